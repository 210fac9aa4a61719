// Writing many output files at once (kpp and kgen with --output-dir), each
// atomically and only when its content changed, with one filesystem sync
// for the whole batch instead of one per file.
#ifndef ROCKS_LIB_BATCH_WRITE_H_
#define ROCKS_LIB_BATCH_WRITE_H_

#include <string>
#include <string_view>
#include <vector>

namespace rocks {

class BatchWriter {
 public:
  BatchWriter() = default;
  ~BatchWriter();  ///< removes the temporary files of an uncommitted batch
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  /// Stages `content` for `path`: nothing when the file already holds it
  /// (`changed` false), otherwise a complete temporary file beside it.
  bool Add(const std::string& path, std::string_view content, bool* changed,
           std::string* err);

  /// Makes the staged files durable (one syncfs), renames each over its
  /// path and syncs their directories. A reader or a crash sees each file
  /// whole, old or new.
  bool Commit(std::string* err);

 private:
  struct Staged {
    std::string tmp, path, target;  ///< target: path, or where its link points
  };
  std::vector<Staged> staged_;
};

}  // namespace rocks

#endif  // ROCKS_LIB_BATCH_WRITE_H_
