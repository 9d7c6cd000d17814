#include "security_cli.hpp"

#include "caf/monocoque/certificate.hpp"
#include "caf/monocoque/curve_keypair.hpp"

#include "monocoque/zmtp/secret_buffer.hpp"

#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace mq = caf::monocoque;

namespace mqcat {

namespace {

using value_fn
  = std::function<std::optional<std::pair<std::string, arg_origin>>()>;

std::string context(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

bool exists(const std::string& path, bool* is_dir = nullptr) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return false;
  if (is_dir != nullptr)
    *is_dir = S_ISDIR(st.st_mode);
  return true;
}

// Overwrites a secret in argv (and thereby in /proc/PID/cmdline).
void blank(char** argv, const arg_origin& where, size_t skip = 0) {
  auto* arg = argv[where.index] + where.offset;
  auto len = std::strlen(arg);
  if (skip < len)
    std::memset(arg + skip, 'x', len - skip);
}

void wipe(std::string& str) {
  ::monocoque::zmtp::secure_wipe(str.data(), str.size());
  str.clear();
}

// --curve-serverkey KEY: a certificate file or 40 Z85 characters.
std::string resolve_public(const std::string& option, const std::string& key,
                           std::string& out) {
  if (exists(key)) {
    auto cert = mq::certificate::load(key);
    if (!cert)
      return option + ": " + context(cert.error());
    out = cert->public_key_z85();
    return {};
  }
  if (key.size() != 40 || !mq::curve_keypair::decode_public_key(key))
    return option + ": '" + key
           + "' is neither a certificate file nor a 40-character Z85 key";
  out = key;
  return {};
}

// --curve-secret KEY: a (secret) certificate file, FILE_secret next to a
// public FILE, or 40 Z85 characters. Never quotes the key.
std::string resolve_secret(const std::string& key, mq::secret& out) {
  const std::string option = "--curve-secret";
  if (exists(key)) {
    auto cert = mq::certificate::load(key);
    if (!cert)
      return option + ": " + context(cert.error());
    if (!cert->has_secret_key() && exists(key + "_secret"))
      cert = mq::certificate::load(key + "_secret");
    if (!cert)
      return option + ": " + context(cert.error());
    if (!cert->has_secret_key())
      return option + ": " + key + " holds no secret-key";
    out = cert->keys().secret_key();
    return {};
  }
  if (key.size() != 40)
    return option
           + ": neither a certificate file nor a 40-character Z85 key";
  mq::secret text{key};
  auto keys = mq::curve_keypair::from_secret(text);
  if (!keys)
    return option + ": " + context(keys.error());
  out = keys->secret_key();
  return {};
}

// --curve-allow KEY: a key, a certificate file or a directory of them.
std::string resolve_allow(const std::string& key,
                          std::vector<std::string>& out) {
  const std::string option = "--curve-allow";
  bool is_dir = false;
  if (exists(key, &is_dir)) {
    if (is_dir) {
      std::vector<std::string> skipped;
      auto certs = mq::certificate::load_directory(key, &skipped);
      if (!certs)
        return option + ": " + context(certs.error());
      for (auto& why : skipped)
        std::fprintf(stderr, "mqcat: %s: skipped %s\n", option.c_str(),
                     why.c_str());
    } else if (auto cert = mq::certificate::load(key); !cert) {
      return option + ": " + context(cert.error());
    }
    out.push_back(key);
    return {};
  }
  if (key.size() != 40 || !mq::curve_keypair::decode_public_key(key))
    return option + ": '" + key
           + "' is neither a certificate file or directory nor a "
             "40-character Z85 key";
  out.push_back(key);
  return {};
}

} // namespace

std::optional<std::string>
parse_security_option(const std::string& name, bool has_inline_value,
                      const value_fn& value, char** argv,
                      security_args& out) {
  auto& opts = out.options;
  auto flag = [&](bool& dst) -> std::string {
    if (has_inline_value)
      return name + " takes no value";
    dst = true;
    return {};
  };
  auto needs = [&](const char* what) { return name + " needs " + what; };
  if (name == "--curve-server") {
    out.curve = true;
    return flag(opts.curve_server);
  }
  if (name == "--plain-server") {
    out.plain = true;
    return flag(opts.plain_server);
  }
  if (name != "--curve-secret" && name != "--curve-serverkey"
      && name != "--curve-allow" && name != "--plain-allow"
      && name != "--plain-user" && name != "--plain-password"
      && name != "--zap-domain")
    return std::nullopt;
  auto arg = value();
  if (name == "--curve-secret") {
    out.curve = true;
    out.has_curve_secret = true;
    if (!arg)
      return needs("a KEY: 40 Z85 characters or a certificate file");
    // A key is a secret, a certificate's path is not.
    if (!exists(arg->first))
      blank(argv, arg->second);
    auto err = resolve_secret(arg->first, opts.curve_secret_key);
    wipe(arg->first);
    return err;
  }
  if (name == "--curve-serverkey") {
    out.curve = true;
    if (!arg)
      return needs("a KEY: 40 Z85 characters or a certificate file");
    return resolve_public(name, arg->first, opts.curve_server_key);
  }
  if (name == "--curve-allow") {
    out.curve = true;
    if (!arg)
      return needs("a KEY: 40 Z85 characters, a certificate file or a "
                   "directory of them");
    return resolve_allow(arg->first, out.curve_allow);
  }
  if (name == "--plain-allow") {
    out.plain = true;
    if (!arg)
      return needs("USER:PASSWORD");
    auto colon = arg->first.find(':');
    blank(argv, arg->second, colon == std::string::npos ? 0 : colon + 1);
    std::string err;
    if (colon == std::string::npos || colon == 0 || colon > 255
        || arg->first.size() - colon - 1 > 255)
      err = name + " needs USER:PASSWORD (a user of 1 to 255 bytes, a "
                   "password of at most 255)";
    else
      out.plain_allow.emplace_back(
        arg->first.substr(0, colon),
        mq::secret{std::string_view{arg->first}.substr(colon + 1)});
    wipe(arg->first);
    return err;
  }
  if (name == "--plain-user") {
    out.plain = true;
    if (!arg || arg->first.empty() || arg->first.size() > 255)
      return needs("a user name of 1 to 255 bytes");
    opts.plain_username = arg->first;
    return std::string{};
  }
  if (name == "--plain-password") {
    out.plain = true;
    if (!arg)
      return needs("a password");
    blank(argv, arg->second);
    std::string err;
    if (arg->first.size() > 255)
      err = name + " takes at most 255 bytes";
    else
      opts.plain_password = mq::secret{arg->first};
    wipe(arg->first);
    return err;
  }
  // --zap-domain
  if (!arg)
    return needs("a domain");
  out.has_zap_domain = true;
  opts.zap_domain = arg->first;
  return std::string{};
}

std::optional<std::string> check_security(const security_args& x) {
  auto& opts = x.options;
  if (x.curve && x.plain)
    return "CURVE (--curve-*) and PLAIN (--plain-*) options exclude each "
           "other";
  if (opts.curve_server) {
    if (!x.has_curve_secret)
      return "--curve-server needs --curve-secret KEY (mqcat keygen makes "
             "one)";
    if (!opts.curve_server_key.empty())
      return "--curve-serverkey is for CURVE clients, not with "
             "--curve-server";
  } else if (x.curve) {
    if (!x.curve_allow.empty())
      return "--curve-allow needs --curve-server";
    if (opts.curve_server_key.empty())
      return "a CURVE client needs --curve-serverkey KEY";
  }
  if (opts.plain_server) {
    if (x.plain_allow.empty())
      return "--plain-server needs --plain-allow USER:PASSWORD (without it "
             "every peer is refused)";
    if (!opts.plain_username.empty() || !opts.plain_password.empty())
      return "--plain-user and --plain-password are for PLAIN clients, not "
             "with --plain-server";
  } else if (x.plain) {
    if (!x.plain_allow.empty())
      return "--plain-allow needs --plain-server";
    if (opts.plain_username.empty())
      return "a PLAIN client needs --plain-user U";
  }
  if (x.has_zap_domain && !opts.curve_server && !opts.plain_server)
    return "--zap-domain applies to --curve-server and --plain-server";
  return std::nullopt;
}

caf::error apply_security(caf::actor_system& sys, const security_args& args,
                          mq::security_options& opts) {
  opts = args.options;
  if (opts.curve_server && !args.curve_allow.empty()) {
    auto auth = mq::spawn_curve_authenticator(sys, args.curve_allow);
    if (!auth)
      return std::move(auth.error());
    opts.authenticator = *auth;
  } else if (opts.plain_server) {
    auto auth = mq::spawn_plain_authenticator(sys, args.plain_allow);
    if (!auth)
      return std::move(auth.error());
    opts.authenticator = *auth;
  }
  return caf::none;
}

std::string security_usage() {
  return R"(Security (KEY: 40 Z85 characters or a certificate file; see mqcat keygen):
  --curve-server     be the CURVE server of every connection
  --curve-secret KEY our secret key (a secret certificate, or FILE whose
                     FILE_secret holds it); required with --curve-server,
                     a CURVE client without it makes a fresh keypair
  --curve-serverkey KEY
                     CURVE client: the server's public key
  --curve-allow KEY  CURVE server: accept this client key, the keys of a
                     certificate file, or of a directory of public
                     certificates (re-read when it changes); repeatable.
                     Without it every client key is accepted.
  --plain-server     be the PLAIN server; needs --plain-allow
  --plain-allow USER:PASSWORD
                     PLAIN server: accept this user; repeatable
  --plain-user U     PLAIN client: user name
  --plain-password P PLAIN client: password
  --zap-domain D     the ZAP domain of a server
  Passwords and keys given here are blanked in argv once read, but other
  users may see them in `ps` before that: prefer certificate files.
)";
}

int keygen_main(int argc, char** argv) {
  if (argc > 3 || (argc == 3 && argv[2][0] == '-')) {
    if (argc == 3 && (std::strcmp(argv[2], "-h") == 0
                      || std::strcmp(argv[2], "--help") == 0)) {
      std::fputs("usage: mqcat keygen [FILE]\n\nPrints a new CURVE keypair "
                 "as a secret certificate (public-key and\nsecret-key lines)"
                 ", or writes FILE (public) and FILE_secret (mode 0600)\n"
                 "and prints the public certificate.\n",
                 stdout);
      return 0;
    }
    std::fputs("mqcat: usage: mqcat keygen [FILE]\n", stderr);
    return 2;
  }
  auto cert = mq::certificate::generate();
  if (!cert) {
    std::fprintf(stderr, "mqcat: keygen: %s\n", context(cert.error()).c_str());
    return 1;
  }
  if (argc == 3) {
    if (auto err = cert->save(argv[2])) {
      std::fprintf(stderr, "mqcat: keygen: %s\n", context(err).c_str());
      return 1;
    }
    std::fputs(cert->public_text().c_str(), stdout);
    return 0;
  }
  auto text = cert->secret_text();
  auto view = text.reveal_string();
  std::fwrite(view.data(), 1, view.size(), stdout);
  return 0;
}

} // namespace mqcat
