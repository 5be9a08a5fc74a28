#include "load/yaml_stream.h"

#include <sys/stat.h>
#include <yaml.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace netreach {
namespace {

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

// Mappings with more keys than this get a hash set for the duplicate check;
// below it a linear scan is cheaper (Kubernetes mappings are small).
constexpr size_t kLinearKeyScan = 24;

// Owns one libyaml event for the duration of a loop iteration.
struct EventGuard {
  yaml_event_t event;
  bool live = false;
  ~EventGuard() {
    if (live) yaml_event_delete(&event);
  }
};

// Where a reader error (an offending byte, reported by libyaml only as a byte
// offset) falls in the input, for inputs read through the callback. libyaml
// decodes its whole raw buffer ahead of the scanner, so the offending byte can
// be up to one buffer beyond the last mark; we keep the last two chunks and
// the line count before them.
struct LineTracker {
  struct Chunk {
    std::string bytes;
    uint64_t start = 0;         // byte offset of bytes[0] in the stream
    uint32_t lines_before = 0;  // newlines before `start`
    uint64_t line_start = 0;    // offset of the first byte of the line holding `start`
  };
  Chunk chunks[2];
  int current = 0;
  uint64_t total = 0;
  uint32_t lines = 0;
  uint64_t line_start = 0;

  void add(const unsigned char* data, size_t n) {
    current ^= 1;
    Chunk& c = chunks[current];
    c.bytes.assign(reinterpret_cast<const char*>(data), n);
    c.start = total;
    c.lines_before = lines;
    c.line_start = line_start;
    const unsigned char* p = data;
    const unsigned char* end = data + n;
    while (p < end) {
      auto* nl = static_cast<const unsigned char*>(std::memchr(p, '\n', size_t(end - p)));
      if (!nl) break;
      ++lines;
      line_start = total + uint64_t(nl - data) + 1;
      p = nl + 1;
    }
    total += n;
  }

  // 1-based line and column of `offset`, or {0, 0} when it is no longer known.
  std::pair<uint32_t, uint32_t> locate(uint64_t offset) const {
    for (const Chunk& c : chunks) {
      if (offset < c.start || offset >= c.start + c.bytes.size()) continue;
      uint32_t line = c.lines_before;
      uint64_t ls = c.line_start;
      for (uint64_t i = c.start; i < offset; ++i)
        if (c.bytes[size_t(i - c.start)] == '\n') ++line, ls = i + 1;
      return {line + 1, uint32_t(offset - ls + 1)};
    }
    return {0, 0};
  }
};

std::pair<uint32_t, uint32_t> locate_in_text(const std::string& text, uint64_t offset) {
  if (offset > text.size()) return {0, 0};
  uint32_t line = 1;
  uint64_t ls = 0;
  for (uint64_t i = 0; i < offset; ++i)
    if (text[size_t(i)] == '\n') ++line, ls = i + 1;
  return {line, uint32_t(offset - ls + 1)};
}

}  // namespace

struct YamlStream::Impl {
  // One collection being built. Its children live in the shared scratch
  // vectors from `first` on, and move into an exactly sized vector when the
  // collection ends: one allocation per collection instead of regrowth.
  struct Frame {
    YamlNode::Kind kind = YamlNode::Kind::Mapping;
    SourcePos pos;
    size_t first = 0;
    size_t nodes_at_start = 0;  // node count when the collection began (anchor size)
    std::string anchor;
    bool have_key = false;
    bool key_is_merge = false;
    std::string key;
    SourcePos key_pos;
    std::vector<YamlNode> merges;                  // values of `<<` keys, in order
    std::unordered_map<std::string, uint32_t> big;  // key -> line, for large mappings
  };
  struct Anchor {
    YamlNode node;
    size_t nodes = 0;  // nodes a copy creates
  };

  yaml_parser_t parser{};
  bool parser_ready = false;
  const SourceFile* source = nullptr;
  YamlLimits limits;
  std::shared_ptr<const std::string> text;  // from_text: keeps the input alive
  std::FILE* file = nullptr;
  bool owns_file = false;
  LineTracker tracker;
  bool done = false;
  uint32_t document_count = 0;
  // Size limits for streamed input (see YamlLimits). `document_base` is the
  // byte count read when the current document started; `oversize` names the
  // limit the read handler stopped at, for the error message.
  uint64_t document_base = 0;
  const char* oversize = nullptr;

  // Per-document state, reused across documents so their capacity is kept.
  std::vector<Frame> frames;
  size_t depth = 0;
  std::vector<YamlNode::Entry> scratch_entries;
  std::vector<YamlNode> scratch_items;
  std::unordered_map<std::string, Anchor> anchors;
  std::optional<YamlNode> root;
  size_t nodes = 0;
  size_t alias_nodes = 0;

  Impl(const SourceFile* src, YamlLimits lim) : source(src), limits(lim) {
    parser_ready = yaml_parser_initialize(&parser) != 0;
  }
  ~Impl() {
    if (parser_ready) yaml_parser_delete(&parser);
    if (owns_file && file) std::fclose(file);
  }

  static int read_handler(void* data, unsigned char* buffer, size_t size, size_t* size_read) {
    auto* self = static_cast<Impl*>(data);
    // Refuse to read past the limits: returning 0 makes libyaml fail with a
    // reader error, which libyaml_error() turns into our message.
    if (self->tracker.total >= self->limits.max_stream_bytes) {
      self->oversize = "stream";
      return 0;
    }
    if (self->tracker.total - self->document_base >= self->limits.max_document_bytes) {
      self->oversize = "document";
      return 0;
    }
    size_t n = std::fread(buffer, 1, size, self->file);
    if (n == 0 && std::ferror(self->file)) return 0;
    self->tracker.add(buffer, n);
    *size_read = n;
    return 1;
  }

  SourcePos at(const yaml_mark_t& mark) const {
    return SourcePos{source, uint32_t(mark.line + 1), uint32_t(mark.column + 1)};
  }

  void reset_document() {
    for (size_t i = 0; i < depth; ++i) frames[i].merges.clear();
    depth = 0;
    scratch_entries.clear();
    scratch_items.clear();
    anchors.clear();
    root.reset();
    nodes = 0;
    alias_nodes = 0;
  }

  Diagnostic fail(SourcePos pos, std::string message) {
    done = true;
    reset_document();
    return Diagnostic::error(pos, "", std::move(message));
  }

  Diagnostic libyaml_error() {
    if (oversize) {
      bool stream = std::string_view(oversize) == "stream";
      return fail(SourcePos{source, 0, 0},
                  stream ? fmt::format("input is larger than {} MiB; refusing to read further",
                                       limits.max_stream_bytes >> 20)
                         : fmt::format("document {} is larger than {} MiB (a Kubernetes object "
                                       "is at most 1.5 MiB); refusing to read further",
                                       document_count + 1, limits.max_document_bytes >> 20));
    }
    std::string message = parser.problem ? parser.problem : "unknown YAML error";
    SourcePos pos{source, 0, 0};
    if (parser.error == YAML_READER_ERROR) {
      if (parser.problem_value != -1) message += fmt::format(" (byte 0x{:02X})", parser.problem_value);
      auto [line, col] = text ? locate_in_text(*text, parser.problem_offset)
                              : tracker.locate(parser.problem_offset);
      pos.line = line;
      pos.column = col;
    } else {
      pos = at(parser.problem_mark);
      if (parser.context)
        message += fmt::format(" ({} at line {})", parser.context, parser.context_mark.line + 1);
    }
    if (parser.error == YAML_MEMORY_ERROR) message = "out of memory while parsing YAML";
    return fail(pos, "invalid YAML: " + message);
  }

  // Counts `n` new nodes; false when the document grows past its limit.
  bool count_nodes(size_t n) {
    nodes += n;
    return nodes <= limits.max_nodes_per_document;
  }

  std::optional<Diagnostic> push_frame(YamlNode::Kind kind, const yaml_event_t& ev,
                                       const yaml_char_t* anchor) {
    if (depth >= limits.max_depth)
      return fail(at(ev.start_mark),
                  fmt::format("nesting deeper than {} levels is not supported", limits.max_depth));
    if (!count_nodes(1)) return node_limit_error(at(ev.start_mark));
    if (depth == frames.size()) frames.emplace_back();
    Frame& f = frames[depth++];
    f.kind = kind;
    f.pos = at(ev.start_mark);
    f.first = kind == YamlNode::Kind::Mapping ? scratch_entries.size() : scratch_items.size();
    f.nodes_at_start = nodes - 1;
    if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
    else f.anchor.clear();
    f.have_key = false;
    f.key_is_merge = false;
    f.merges.clear();
    f.big.clear();
    return std::nullopt;
  }

  Diagnostic node_limit_error(SourcePos pos) {
    return fail(pos, fmt::format("document has more than {} nodes", limits.max_nodes_per_document));
  }

  Diagnostic alias_error(SourcePos pos, size_t limit) {
    return fail(pos, fmt::format("alias expansion exceeds {} nodes (a YAML alias bomb?)", limit));
  }

  // Sets the pending key of the mapping on top, checking for duplicates.
  std::optional<Diagnostic> set_key(Frame& f, std::string key, SourcePos pos, bool merge) {
    if (merge) {
      f.key_is_merge = true;
      f.have_key = true;
      f.key_pos = pos;
      f.key.clear();
      return std::nullopt;
    }
    size_t count = scratch_entries.size() - f.first;
    if (count < kLinearKeyScan) {
      for (size_t i = f.first; i < scratch_entries.size(); ++i)
        if (scratch_entries[i].key == key)
          return duplicate_error(key, pos, scratch_entries[i].key_pos.line);
    } else {
      if (f.big.empty())
        for (size_t i = f.first; i < scratch_entries.size(); ++i)
          f.big.emplace(scratch_entries[i].key, scratch_entries[i].key_pos.line);
      auto it = f.big.find(key);
      if (it != f.big.end()) return duplicate_error(key, pos, it->second);
      f.big.emplace(key, pos.line);
    }
    f.key = std::move(key);
    f.key_pos = pos;
    f.have_key = true;
    f.key_is_merge = false;
    return std::nullopt;
  }

  Diagnostic duplicate_error(const std::string& key, SourcePos pos, uint32_t first_line) {
    return fail(pos, fmt::format("duplicate key \"{}\" (first at line {})", key, first_line));
  }

  // Attaches a finished node to the collection on top (or makes it the root).
  std::optional<Diagnostic> attach(YamlNode node) {
    if (depth == 0) {
      root = std::move(node);
      return std::nullopt;
    }
    Frame& f = frames[depth - 1];
    if (f.kind == YamlNode::Kind::Sequence) {
      scratch_items.push_back(std::move(node));
      return std::nullopt;
    }
    if (!f.have_key) {
      // A key. Scalars arrive through add_scalar; this is an alias or a collection.
      if (node.is_scalar()) return set_key(f, node.text(), node.pos(), false);
      if (node.is_null()) return set_key(f, "", node.pos(), false);
      return fail(node.pos(), fmt::format("mapping keys must be scalars, not a {}", node.type_name()));
    }
    f.have_key = false;
    if (f.key_is_merge) {
      f.key_is_merge = false;
      return add_merge(f, std::move(node));
    }
    scratch_entries.push_back(YamlNode::Entry{std::move(f.key), f.key_pos, std::move(node)});
    return std::nullopt;
  }

  // `<<: *base` or `<<: [*a, *b]`: the YAML 1.1 merge key, which go-yaml v2
  // (and so kubectl) accepts. Applied when the mapping ends so that explicit
  // keys win wherever they appear.
  std::optional<Diagnostic> add_merge(Frame& f, YamlNode value) {
    if (value.is_mapping()) {
      f.merges.push_back(std::move(value));
      return std::nullopt;
    }
    if (value.is_sequence()) {
      for (const YamlNode& item : value.items())
        if (!item.is_mapping())
          return fail(item.pos(), "merge key \"<<\" needs a mapping or a list of mappings");
      for (YamlNode& item : value.mutable_items()) f.merges.push_back(std::move(item));
      return std::nullopt;
    }
    return fail(value.pos(), "merge key \"<<\" needs a mapping or a list of mappings");
  }

  void apply_merges(Frame& f, std::vector<YamlNode::Entry>& entries) {
    // Earlier sources win over later ones, explicit keys over all.
    std::unordered_set<std::string> present;
    for (const auto& e : entries) present.insert(e.key);
    for (YamlNode& src : f.merges)
      for (auto& e : src.mutable_entries())
        if (present.insert(e.key).second) entries.push_back(std::move(e));
    f.merges.clear();
  }

  // Records `node` under `anchor` once it is complete.
  void remember_anchor(const std::string& anchor, const YamlNode& node, size_t size) {
    anchors.insert_or_assign(anchor, Anchor{node, size});
  }

  std::optional<Diagnostic> end_collection() {
    Frame& f = frames[depth - 1];
    YamlNode node;
    if (f.kind == YamlNode::Kind::Mapping) {
      node = YamlNode::mapping(f.pos);
      auto& entries = node.mutable_entries();
      entries.reserve(scratch_entries.size() - f.first);
      for (size_t i = f.first; i < scratch_entries.size(); ++i)
        entries.push_back(std::move(scratch_entries[i]));
      scratch_entries.resize(f.first);
      if (!f.merges.empty()) apply_merges(f, entries);
    } else {
      node = YamlNode::sequence(f.pos);
      auto& items = node.mutable_items();
      items.reserve(scratch_items.size() - f.first);
      for (size_t i = f.first; i < scratch_items.size(); ++i)
        items.push_back(std::move(scratch_items[i]));
      scratch_items.resize(f.first);
    }
    --depth;
    if (!f.anchor.empty()) remember_anchor(f.anchor, node, nodes - f.nodes_at_start);
    return attach(std::move(node));
  }

  std::optional<Diagnostic> add_scalar(const yaml_event_t& ev) {
    const auto& s = ev.data.scalar;
    SourcePos pos = at(ev.start_mark);
    if (!count_nodes(1)) return node_limit_error(pos);
    YamlNode::Style style = YamlNode::Style::Plain;
    switch (s.style) {
      case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = YamlNode::Style::Quoted; break;
      case YAML_LITERAL_SCALAR_STYLE:
      case YAML_FOLDED_SCALAR_STYLE: style = YamlNode::Style::Block; break;
      default: break;
    }
    // `!!str 80` is the string "80"; other tags are ignored.
    if (style == YamlNode::Style::Plain && s.tag &&
        std::string_view(reinterpret_cast<const char*>(s.tag)) == kStrTag)
      style = YamlNode::Style::Quoted;
    std::string value(reinterpret_cast<const char*>(s.value), s.length);

    // Fast path for mapping keys: no node is built for them.
    if (depth > 0 && frames[depth - 1].kind == YamlNode::Kind::Mapping &&
        !frames[depth - 1].have_key) {
      bool merge = style == YamlNode::Style::Plain && value == "<<";
      if (s.anchor)
        remember_anchor(reinterpret_cast<const char*>(s.anchor),
                        YamlNode::scalar(value, style, pos), 1);
      return set_key(frames[depth - 1], std::move(value), pos, merge);
    }

    YamlNode node;
    if (style == YamlNode::Style::Plain &&
        (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL"))
      node = YamlNode::null(pos);
    else
      node = YamlNode::scalar(std::move(value), style, pos);
    if (s.anchor) remember_anchor(reinterpret_cast<const char*>(s.anchor), node, 1);
    return attach(std::move(node));
  }

  std::optional<Diagnostic> add_alias(const yaml_event_t& ev) {
    SourcePos pos = at(ev.start_mark);
    std::string name = reinterpret_cast<const char*>(ev.data.alias.anchor);
    auto it = anchors.find(name);
    if (it == anchors.end()) {
      for (size_t i = 0; i < depth; ++i)
        if (frames[i].anchor == name)
          return fail(pos, fmt::format("alias *{} refers to a node that contains it", name));
      return fail(pos, fmt::format("unknown anchor \"{}\"", name));
    }
    // Check the size before copying, so a billion-laughs document fails
    // after at most the limit's worth of work.
    size_t size = it->second.nodes;
    if (size > limits.max_alias_nodes - std::min(alias_nodes, limits.max_alias_nodes))
      return alias_error(pos, limits.max_alias_nodes);
    if (size > limits.max_nodes_per_document ||
        nodes > limits.max_nodes_per_document - size)
      return alias_error(pos, limits.max_nodes_per_document);
    alias_nodes += size;
    nodes += size;
    YamlNode copy = it->second.node;
    return attach(std::move(copy));
  }

  Result<std::optional<YamlDocument>> next() {
    using Out = std::optional<YamlDocument>;
    if (done) return Out{};
    if (!parser_ready) {
      done = true;
      return Diagnostic::error(SourcePos{source, 0, 0}, "", "cannot initialize the YAML parser");
    }
    for (;;) {
      EventGuard g;
      if (!yaml_parser_parse(&parser, &g.event)) return libyaml_error();
      g.live = true;
      const yaml_event_t& ev = g.event;
      std::optional<Diagnostic> err;
      switch (ev.type) {
        case YAML_STREAM_END_EVENT:
          done = true;
          return Out{};
        case YAML_DOCUMENT_START_EVENT:
          reset_document();
          // libyaml reads ahead up to one buffer, so the count is approximate
          // (and conservative by at most one buffer), which is fine for a limit.
          document_base = tracker.total;
          break;
        case YAML_DOCUMENT_END_EVENT: {
          uint32_t index = document_count++;
          std::optional<YamlNode> r = std::move(root);
          reset_document();
          if (!r || r->is_null()) break;  // an empty document
          return Out{YamlDocument{std::move(*r), index}};
        }
        case YAML_MAPPING_START_EVENT:
          err = push_frame(YamlNode::Kind::Mapping, ev, ev.data.mapping_start.anchor);
          break;
        case YAML_SEQUENCE_START_EVENT:
          err = push_frame(YamlNode::Kind::Sequence, ev, ev.data.sequence_start.anchor);
          break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
          err = end_collection();
          break;
        case YAML_SCALAR_EVENT:
          err = add_scalar(ev);
          break;
        case YAML_ALIAS_EVENT:
          err = add_alias(ev);
          break;
        default:
          break;
      }
      if (err) return *std::move(err);
    }
  }
};

YamlStream::YamlStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
YamlStream::YamlStream(YamlStream&&) noexcept = default;
YamlStream& YamlStream::operator=(YamlStream&&) noexcept = default;
YamlStream::~YamlStream() = default;

Result<YamlStream> YamlStream::open_file(const std::string& path, const SourceFile* source,
                                         YamlLimits limits) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return Diagnostic::error(SourcePos{source, 0, 0}, "",
                             fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  // A regular file over the stream limit is refused up front, without
  // reading it (a sparse 1 GB file costs nothing to refuse).
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
      uint64_t(st.st_size) > limits.max_stream_bytes) {
    std::fclose(f);
    return Diagnostic::error(SourcePos{source, 0, 0}, "",
                             fmt::format("the file is {} MiB, larger than the {} MiB limit; not read",
                                         uint64_t(st.st_size) >> 20,
                                         limits.max_stream_bytes >> 20));
  }
  auto impl = std::make_unique<Impl>(source, limits);
  impl->file = f;
  impl->owns_file = true;
  if (impl->parser_ready) yaml_parser_set_input(&impl->parser, &Impl::read_handler, impl.get());
  return YamlStream(std::move(impl));
}

YamlStream YamlStream::from_stdio(std::FILE* stream, const SourceFile* source, YamlLimits limits) {
  auto impl = std::make_unique<Impl>(source, limits);
  impl->file = stream;
  if (impl->parser_ready) yaml_parser_set_input(&impl->parser, &Impl::read_handler, impl.get());
  return YamlStream(std::move(impl));
}

YamlStream YamlStream::from_text(std::shared_ptr<const std::string> text, const SourceFile* source,
                                 YamlLimits limits) {
  auto impl = std::make_unique<Impl>(source, limits);
  impl->text = text ? std::move(text) : std::make_shared<const std::string>();
  if (impl->parser_ready)
    yaml_parser_set_input_string(&impl->parser,
                                 reinterpret_cast<const unsigned char*>(impl->text->data()),
                                 impl->text->size());
  return YamlStream(std::move(impl));
}

Result<std::optional<YamlDocument>> YamlStream::next() {
  if (!impl_) return std::optional<YamlDocument>{};
  return impl_->next();
}

}  // namespace netreach
