// kgen: the kickstart generator. Reads kpp's XML profile and prints a
// Red Hat kickstart. Needs no database: it also runs on installing nodes.
#include <getopt.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "cli.h"
#include "batch_write.h"
#include "file.h"
#include "kickstart.h"
#include "strutil.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " kgen [options] [FILE]\n"
    " kgen [options] --output-dir=DIR FILE...\n"
    "\n"
    "Turn a kpp profile into a Red Hat kickstart.\n"
    "\n"
    "Options:\n"
    " -s, --section=LIST     print only these sections: main,packages,pre,post,onerror\n"
    " -P, --postonly         print only the %post sections\n"
    " -a, --arch=ARCH        leave out elements for other architectures\n"
    " -o, --output-dir=DIR   write one NAME.ks per NAME.xml into DIR\n"
    " -v, --verbose          report each file written on stderr\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See kgen(8).\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace rocks;
  cli::Init("kgen", argv);
  static const option kLong[] = {
      {"section", required_argument, nullptr, 's'},
      {"postonly", no_argument, nullptr, 'P'},
      {"arch", required_argument, nullptr, 'a'},
      {"output-dir", required_argument, nullptr, 'o'},
      {"verbose", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0}};
  KickstartOptions options;
  std::string output_dir, err;
  bool verbose = false;
  int c;
  while ((c = getopt_long(argc, argv, "s:Pa:o:vhV", kLong, nullptr)) != -1) {
    switch (c) {
      case 's':
        if (!ParseSections(optarg, &options.sections, &err))
          return cli::Fail("--section=" + err);
        break;
      case 'P': options.sections = {"post"}; break;
      case 'a': options.arch = optarg; break;
      case 'o': output_dir = optarg; break;
      case 'v': verbose = true; break;
      case 'h': return cli::PrintUsage(kUsage);
      case 'V': return cli::PrintVersion();
      default: return cli::TryHelp();
    }
  }
  std::vector<std::string> files(argv + optind, argv + argc);
  if (output_dir.empty() && files.size() > 1)
    return cli::Fail("several files need --output-dir");
  if (!output_dir.empty() && files.empty())
    return cli::Fail("--output-dir needs FILE arguments");
  if (files.empty()) files.push_back("-");

  int status = 0;
  BatchWriter writer;
  std::vector<std::string> report;
  for (const std::string& file : files) {
    std::string xml, ks;
    std::string source = file == "-" ? "<stdin>" : file;
    if (file == "-") {
      xml.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else if (!ReadFile(file, &xml, &err)) {
      status = cli::Fail(err);
      continue;
    }
    if (!GenerateKickstart(xml, source, options, &ks, &err)) {
      status = cli::Fail(err);
      continue;
    }
    if (output_dir.empty()) {
      std::fwrite(ks.data(), 1, ks.size(), stdout);
      continue;
    }
    std::string base = BaseName(file);
    if (EndsWith(base, ".xml")) base.resize(base.size() - 4);
    std::string path = output_dir + "/" + base + ".ks";
    bool changed;
    if (!writer.Add(path, ks, &changed, &err)) {
      status = cli::Fail(err);
      continue;
    }
    report.push_back((changed ? "kgen: wrote " : "kgen: unchanged ") + path);
  }
  if (!writer.Commit(&err)) return cli::Fail(err);
  if (verbose)
    for (const std::string& line : report) std::fprintf(stderr, "%s\n", line.c_str());
  return cli::Finish(status);
}
