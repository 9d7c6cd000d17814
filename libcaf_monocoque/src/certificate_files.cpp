// certificate: loading and saving files, loading directories.

#include "caf/monocoque/certificate.hpp"

#include "caf/monocoque/errc.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace caf::monocoque {

using ::monocoque::zmtp::byte_span;

namespace {

// A certificate is a few hundred bytes; a bigger file is not one.
constexpr size_t max_certificate_size = 64 * 1024;

std::string errno_text(int code) {
  return std::strerror(code);
}

// Closes a descriptor on scope exit.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

// Reads a whole (small) file into a buffer that is wiped afterwards: the
// file may be a secret certificate.
expected<secret> read_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return make_error(errc::invalid_certificate, path + ": " + why);
  };
  fd_guard guard{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (guard.fd < 0)
    return fail(errno_text(errno));
  struct stat st {};
  if (::fstat(guard.fd, &st) != 0)
    return fail(errno_text(errno));
  if (!S_ISREG(st.st_mode))
    return fail("not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_certificate_size)
    return fail("larger than 64 KiB: not a certificate");
  // One byte more than the size: a file that grew meanwhile shows up.
  auto capacity = static_cast<size_t>(st.st_size) + 1;
  auto buf = std::make_unique<uint8_t[]>(capacity);
  size_t size = 0;
  for (;;) {
    auto n = ::read(guard.fd, buf.get() + size, capacity - size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ::monocoque::zmtp::secure_wipe(buf.get(), capacity);
      return fail(errno_text(errno));
    }
    if (n == 0)
      break;
    size += static_cast<size_t>(n);
    if (size == capacity) {
      ::monocoque::zmtp::secure_wipe(buf.get(), capacity);
      return fail("changed while being read");
    }
  }
  secret result{byte_span{buf.get(), size}};
  ::monocoque::zmtp::secure_wipe(buf.get(), capacity);
  return result;
}

// Writes `data` to `path` atomically (a temporary file in the same folder,
// then rename) with `mode`; the temporary file is created 0600, so a secret
// is never readable by others, not even for a moment.
error write_file(const std::string& path, byte_span data, mode_t mode) {
  auto fail = [&](const std::string& why) {
    return make_error(errc::io_failure, path + ": " + why);
  };
  std::string tmp = path + ".tmpXXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return fail(errno_text(errno));
  auto abandon = [&](int code) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(errno_text(code));
  };
  if (::fchmod(fd, mode) != 0)
    return abandon(errno);
  size_t done = 0;
  while (done < data.size()) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return abandon(errno);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0)
    return abandon(errno);
  if (::close(fd) != 0) {
    auto code = errno;
    ::unlink(tmp.c_str());
    return fail(errno_text(code));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto code = errno;
    ::unlink(tmp.c_str());
    return fail(errno_text(code));
  }
  return none;
}

bool ends_with(std::string_view str, std::string_view suffix) {
  return str.size() >= suffix.size()
         && str.substr(str.size() - suffix.size()) == suffix;
}

} // namespace

expected<certificate> certificate::load(const std::string& path) {
  auto text = read_file(path);
  if (!text)
    return std::move(text.error());
  auto result = parse(text->reveal_string(), path);
  if (result)
    result->origin_ = path;
  return result;
}

expected<std::vector<certificate>>
certificate::load_directory(const std::string& path,
                            std::vector<std::string>* skipped) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir{::opendir(path.c_str()),
                                          ::closedir};
  if (!dir)
    return make_error(errc::invalid_certificate,
                      path + ": " + errno_text(errno));
  std::vector<std::string> names;
  while (auto* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name.empty() || name.front() == '.' || ends_with(name, "_secret"))
      continue;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<certificate> result;
  for (auto& name : names) {
    auto file = path + "/" + name;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue; // subfolders, sockets, dangling links: not certificates
    auto cert = load(file);
    if (cert) {
      // Loaded from a public file, but someone may have put a secret
      // certificate there under a public name: keep no secret key.
      result.push_back(cert->has_secret_key() ? cert->public_part()
                                              : std::move(*cert));
    } else if (skipped != nullptr) {
      auto& ctx = cert.error().context();
      skipped->push_back(ctx.match_elements<std::string>()
                           ? ctx.get_as<std::string>(0)
                           : file + ": " + to_string(cert.error()));
    }
  }
  return result;
}

error certificate::save(const std::string& path) const {
  if (auto err = save_public(path))
    return err;
  if (has_secret_key())
    return save_secret(path + "_secret");
  return none;
}

error certificate::save_public(const std::string& path) const {
  if (empty())
    return make_error(errc::invalid_certificate,
                      "cannot save a certificate without keys");
  auto text = public_text();
  return write_file(path, byte_span{std::string_view{text}}, 0644);
}

error certificate::save_secret(const std::string& path) const {
  if (!has_secret_key())
    return make_error(errc::invalid_certificate,
                      "cannot save a secret certificate without a secret "
                      "key");
  auto text = secret_text();
  return write_file(path, text.reveal(), 0600);
}

} // namespace caf::monocoque
