#pragma once

// A temporary directory for the certificate and authenticator suites,
// removed with its files at the end of its scope.

#include <caf/test/unit_test.hpp>

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace monocoque_test {

/// A fresh directory /tmp/PREFIX-XXXXXX, removed (with what it holds) when
/// this object goes away.
struct temp_dir {
  std::string path;

  explicit temp_dir(const std::string& prefix = "mq-test") {
    auto tmpl = "/tmp/" + prefix + "-XXXXXX";
    CAF_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }

  ~temp_dir() {
    auto cmd = "rm -rf '" + path + "'";
    static_cast<void>(std::system(cmd.c_str()));
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// Returns the path of `name` inside this directory.
  std::string operator/(const std::string& name) const {
    return path + "/" + name;
  }
};

} // namespace monocoque_test
