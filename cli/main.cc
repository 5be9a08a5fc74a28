// netreach command line (being built; see engine/netreach.h).
#include <cstdio>
int main() {
  std::puts("netreach 0.1.0");
  return 0;
}
