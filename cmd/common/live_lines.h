// Lines redrawn in place on a terminal: the progress of rocks-dist, the
// hosts shoot-node follows, and insert-ethers' screen of new nodes.
#ifndef ROCKS_CMD_COMMON_LIVE_LINES_H_
#define ROCKS_CMD_COMMON_LIVE_LINES_H_

#include <cstddef>
#include <cstdio>
#include <string>

namespace rocks::cli {

class LiveLines {
 public:
  /// In place, each Draw moves the cursor up over the lines the last one
  /// drew and clears to the end of the screen. A `full_screen` display
  /// clears the whole screen instead and draws from its top, so that
  /// nothing else written to the terminal can leave it misplaced.
  explicit LiveLines(std::FILE* out, bool full_screen = false);

  /// Whether `out` is a terminal; when it is not, Draw and Clear do
  /// nothing.
  bool tty() const { return tty_; }
  /// The terminal's height in lines, or `fallback` when it has none.
  size_t Rows(size_t fallback) const;

  /// Replaces what the last Draw showed with `text`, lines that each end
  /// in a newline.
  void Draw(const std::string& text);
  /// Takes away what the last Draw showed, so that a message can be
  /// printed where it was.
  void Clear();

 private:
  std::FILE* out_;
  bool full_screen_;
  bool tty_;
  size_t drawn_ = 0;
};

}  // namespace rocks::cli

#endif  // ROCKS_CMD_COMMON_LIVE_LINES_H_
