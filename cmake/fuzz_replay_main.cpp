// Replays fuzz inputs without libFuzzer: `fuzz-<name> PATH...` feeds every
// file (directories are walked recursively) to LLVMFuzzerTestOneInput once.
// Linked into fuzz-* targets when MONOCOQUE_FUZZ is OFF, so seed corpora and
// past crashers run as ordinary (sanitized) regression tests under CTest.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// Returns false if the file could not be read.
bool replay(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return false;
  std::vector<char> bytes{std::istreambuf_iterator<char>{in},
                          std::istreambuf_iterator<char>{}};
  // An empty vector has no valid data(); libFuzzer passes a non-null pointer.
  static const uint8_t empty = 0;
  auto* data =
      bytes.empty() ? &empty : reinterpret_cast<const uint8_t*>(bytes.data());
  LLVMFuzzerTestOneInput(data, bytes.size());
  return true;
}

} // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  size_t count = 0;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path arg{argv[i]};
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (auto& entry : fs::recursive_directory_iterator{arg, ec})
        if (entry.is_regular_file())
          files.push_back(entry.path());
    } else if (fs::exists(arg, ec)) {
      files.push_back(arg);
    } else {
      std::cerr << "note: " << arg << " does not exist, skipped\n";
    }
  }
  for (auto& file : files) {
    if (!replay(file)) {
      std::cerr << "error: cannot read " << file << '\n';
      return 1;
    }
    ++count;
  }
  // Always exercise the empty input once, even without a corpus.
  static const uint8_t empty = 0;
  LLVMFuzzerTestOneInput(&empty, 0);
  std::cerr << "replayed " << count << " corpus input(s) + 1 empty input\n";
  return 0;
}
