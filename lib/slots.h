// A counting lock: at most N holders at once across processes, one flock
// on one of N slot files in a directory.
#ifndef ROCKS_LIB_SLOTS_H_
#define ROCKS_LIB_SLOTS_H_

#include <string>

namespace rocks {

class SlotLock {
 public:
  SlotLock() = default;
  ~SlotLock();
  SlotLock(const SlotLock&) = delete;
  SlotLock& operator=(const SlotLock&) = delete;

  /// Takes a free slot among DIR/slot.0 .. DIR/slot.N-1 without waiting;
  /// `got` is false when all are held. The directory is created if
  /// missing. The slot is released by the destructor or at exit.
  bool TryAcquire(const std::string& dir, int slots, bool* got, std::string* err);

 private:
  int fd_ = -1;
};

/// The CPUs this process may run on (as nproc(1) counts them).
int UsableCpus();

}  // namespace rocks

#endif  // ROCKS_LIB_SLOTS_H_
