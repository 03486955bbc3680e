// A small SVG (XML) text writer: elements with attributes in the order given, escaped text,
// and integer coordinates only, so the same drawing always gives the same bytes. Hand-written
// because SVG is plain text and no Debian library gives byte-stable output for free.
#ifndef SHARDSIM_TIMELINE_SVG_WRITER_H_
#define SHARDSIM_TIMELINE_SVG_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shardsim::timeline {

// XML-escapes & < > " ' (also drops control characters XML 1.0 does not allow).
std::string XmlEscape(std::string_view text);

class SvgWriter {
 public:
  using Attributes = std::vector<std::pair<std::string, std::string>>;

  // Opens <tag attrs...>; every Open needs a Close.
  void Open(std::string_view tag, const Attributes& attributes = {});
  void Close();
  // <tag attrs.../> or, with text, <tag attrs...>text</tag> (the text escaped).
  void Element(std::string_view tag, const Attributes& attributes, std::string_view text = {});
  // A <title> child: what a browser shows when the pointer rests on the enclosing element.
  void Title(std::string_view text) { Element("title", {}, text); }
  // The document so far. REQUIRES: every Open was closed.
  const std::string& str() const;

 private:
  void Indent();
  std::string out_;
  std::vector<std::string> open_;
};

// Integer attribute value.
inline std::string Num(int64_t v) { return std::to_string(v); }

}  // namespace shardsim::timeline

#endif  // SHARDSIM_TIMELINE_SVG_WRITER_H_
