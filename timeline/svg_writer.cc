#include "timeline/svg_writer.h"

#include "sim/check.h"

namespace shardsim::timeline {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

void AppendTag(std::string& out, std::string_view tag, const SvgWriter::Attributes& attributes) {
  out += '<';
  out += tag;
  for (const auto& [key, value] : attributes) {
    out += ' ';
    out += key;
    out += "=\"";
    out += XmlEscape(value);
    out += '"';
  }
}

}  // namespace

void SvgWriter::Indent() { out_.append(2 * open_.size(), ' '); }

void SvgWriter::Open(std::string_view tag, const Attributes& attributes) {
  Indent();
  AppendTag(out_, tag, attributes);
  out_ += ">\n";
  open_.emplace_back(tag);
}

void SvgWriter::Close() {
  SHARDSIM_CHECK(!open_.empty(), "SvgWriter::Close without an open element");
  const std::string tag = std::move(open_.back());
  open_.pop_back();
  Indent();
  out_ += "</" + tag + ">\n";
}

void SvgWriter::Element(std::string_view tag, const Attributes& attributes, std::string_view text) {
  Indent();
  AppendTag(out_, tag, attributes);
  if (text.empty()) {
    out_ += "/>\n";
    return;
  }
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_ += tag;
  out_ += ">\n";
}

const std::string& SvgWriter::str() const {
  SHARDSIM_CHECK(open_.empty(), "SvgWriter::str with elements still open");
  return out_;
}

}  // namespace shardsim::timeline
