// Network boot: the boot action of each host and the files its firmware
// reads from the TFTP root to act on it.
//
// The TFTP root holds, for every host with a MAC on the private network,
// one file per boot loader, each booting the installer (boot action
// `install`) or the local disk (`os`):
//
//   pxelinux.cfg/01-MAC        BIOS firmware: pxelinux.0, then this
//   grub/grub.cfg-01-MAC       UEFI firmware: shim, GRUB, grub/grub.cfg,
//                              which loads this one by $net_default_mac
//   ipxe/01-MAC.ipxe           iPXE: ipxe/boot.ipxe, which chains this
//
// and a default for a MAC the database does not know (pxelinux.cfg/default,
// the menu in grub/grub.cfg, ipxe/default.ipxe): it boots the installer, so
// a new node's DHCP requests reach insert-ethers. MAC is lower-case hex in
// pairs joined by '-'.
//
// Every writer (rocks sync config, dbreport pxe, kickstart.cgi's installed
// callback, shoot-node) holds one lock, flock on ROOT/.rocks-boot.lock, from
// reading the database to the last rename, so the files always say what
// the database says; each first removes what a killed writer left behind.
#ifndef ROCKS_LIB_BOOT_H_
#define ROCKS_LIB_BOOT_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config.h"
#include "db.h"

namespace rocks {

/// What the boot files of every host are made of, from the global
/// attributes.
struct BootSettings {
  /// inst.ks=: http://KICKSTARTHOST/BASEDIR/CGI.
  std::string kickstart_url;
  /// Where iPXE fetches the installer over HTTP: the distribution's
  /// images/pxeboot/ (http://KICKSTARTHOST/BASEDIR/DISTNAME/images/pxeboot).
  std::string images_url;
  /// inst.stage2=: the distribution's root
  /// (http://KICKSTARTHOST/BASEDIR/DISTNAME), where dracut finds
  /// images/install.img. The kickstart's url may name a mirror that runs
  /// only once stage2 does (the Avalanche peer on 127.0.0.1), so stage2
  /// always comes from the frontend.
  std::string stage2_url;
  /// Pxe_KernelArgs: more installer arguments ("" = none).
  std::string kernel_args;
  /// The file DHCP names for each firmware (Dhcp_BiosBootFile,
  /// Dhcp_UefiBootFile, Dhcp_IpxeBootFile), relative to the TFTP root.
  std::string bios_file;
  std::string uefi_file;
  std::string ipxe_file;
};

/// The settings from global attributes `global` (name -> value); unset ones
/// take their defaults (pxelinux.0, shimx64.efi, ipxe/boot.ipxe).
BootSettings BootSettingsFrom(const std::map<std::string, std::string>& global);

/// Where pxelinux and GRUB find the installer, relative to the TFTP root.
extern const char kInstallerKernel[];  // "images/pxeboot/vmlinuz"
extern const char kInstallerInitrd[];  // "images/pxeboot/initrd.img"

/// A boot file's name (relative to the TFTP root) -> its content.
using BootFiles = std::map<std::string, std::string>;

/// The files of one host with `mac` ("52:54:00:00:00:10") and boot action
/// `action` ("install", anything else boots the disk), added to `files`.
void AddHostBootFiles(const BootSettings& s, const std::string& mac,
                      const std::string& action, BootFiles* files);

/// The files every host shares: pxelinux.cfg/default, grub/grub.cfg,
/// ipxe/boot.ipxe and ipxe/default.ipxe.
void AddCommonBootFiles(const BootSettings& s, BootFiles* files);

/// Whether `name` is the boot file of one host (so a full rewrite may
/// remove it when the host is gone).
bool IsHostBootFile(const std::string& name);

/// Every boot file from the database: the common ones and those of every
/// non-frontend host with a MAC on the private network.
bool BootFilesFromDb(Database* db, BootFiles* files, std::string* err);

/// The OS files the TFTP root needs besides the configuration: the boot
/// loaders from the installed packages and the installer from the
/// distribution.
struct BootImage {
  std::string name;    ///< under the TFTP root: "pxelinux.0"
  std::string source;  ///< the file copied: "/usr/lib/PXELINUX/pxelinux.0"
};

/// Finds each loader below `sysroot` ("/" on a frontend: the first of its
/// known places, EL's then Debian's) and the installer kernel and initrd in
/// the distribution `dist_root`. A missing one is an error naming the file
/// and the package that provides it; nothing is returned then.
bool FindBootImages(const std::string& sysroot, const std::string& dist_root,
                    std::vector<BootImage>* images, std::string* err);

/// What a write did, by file name.
struct BootWrite {
  std::vector<std::string> written;
  std::vector<std::string> removed;
};

/// The TFTP root `root` takes `files` (and copies of `images`, when not
/// null) under the boot lock, each file replaced atomically and only when
/// it changed. With `full`, host files not in `files` are removed (hosts
/// that are gone). Leftovers of killed writers are removed first. When a
/// file cannot be written nothing is renamed into place.
bool WriteBootFiles(const std::string& root, const BootFiles& files,
                    const std::vector<BootImage>* images, bool full,
                    BootWrite* done, std::string* err);

/// Rewrites the whole boot tree from the database: what `dbreport pxe` and
/// `rocks sync config` do. `images` as for WriteBootFiles.
bool SyncBootTree(Database* db, const std::string& root,
                  const std::vector<BootImage>* images, BootWrite* done,
                  std::string* err);

/// Sets the boot action of `names` to `action` and, when `root` is not "",
/// rewrites those hosts' boot files (and only theirs) under the boot lock,
/// from what the database holds once the change is committed. A host that
/// cannot be set gets its name and reason in `failed`; the others go on.
bool SetBootActions(Database* db, const std::vector<std::string>& names,
                    const std::string& action, const std::string& root,
                    std::vector<std::pair<std::string, std::string>>* failed,
                    std::string* err);

/// The TFTP root: the output of the `pxe` line of the sync configuration
/// (SyncConfPath), "" when it has none. A missing sync configuration is an
/// error when `required`, otherwise no TFTP root. Errors name the file.
bool BootRootFromSync(const Config& cfg, bool required, std::string* root,
                      std::string* err);

/// The distribution directory of rocks-dist.conf (key `root`; the file
/// named by the `dist_conf` key, its default when that file is missing).
bool DistRootFromConfig(const Config& cfg, std::string* root, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_BOOT_H_
