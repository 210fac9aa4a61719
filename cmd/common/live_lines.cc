#include "live_lines.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace rocks::cli {

LiveLines::LiveLines(std::FILE* out, bool full_screen)
    : out_(out), full_screen_(full_screen), tty_(isatty(fileno(out))) {}

size_t LiveLines::Rows(size_t fallback) const {
  struct winsize ws = {};
  if (ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
  return fallback;
}

void LiveLines::Clear() {
  if (!tty_) return;
  if (full_screen_)
    std::fputs("\033[H\033[2J", out_);
  else if (drawn_ > 0)
    std::fprintf(out_, "\033[%zuA\033[J", drawn_);
  drawn_ = 0;
  std::fflush(out_);
}

void LiveLines::Draw(const std::string& text) {
  if (!tty_) return;
  std::string s;
  if (full_screen_)
    s = "\033[H\033[2J";
  else if (drawn_ > 0)
    s = "\033[" + std::to_string(drawn_) + "A\033[J";
  s += text;
  drawn_ = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  std::fputs(s.c_str(), out_);
  std::fflush(out_);
}

}  // namespace rocks::cli
