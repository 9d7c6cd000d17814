#include "caf/monocoque/internal/credential_store.hpp"

#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/errc.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace caf::monocoque::internal {

namespace {

std::string context_of(const error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return to_string(err);
}

error invalid_option(const std::string& field, const std::string& what) {
  return make_error(errc::invalid_option, field + ": " + what);
}

// Compiles the PLAIN table of one domain.
error add_passwords(const authenticator_config::domain_rules& rules,
                    const std::string& field,
                    std::vector<std::pair<std::string, secret>>& out) {
  for (size_t i = 0; i < rules.plain_passwords.size(); ++i) {
    auto& [user, password] = rules.plain_passwords[i];
    auto name = field + "plain_passwords[" + std::to_string(i) + "]";
    // RFC 24: both travel with a one-byte length; an empty name is refused
    // by our PLAIN client and server alike.
    if (user.empty() || user.size() > 255)
      return invalid_option(name, "a user name has 1 to 255 bytes");
    if (password.size() > 255)
      return invalid_option(name, "a password has at most 255 bytes");
    for (auto& known : out)
      if (known.first == user)
        return invalid_option(name, "user '" + user + "' given twice");
    out.emplace_back(user, password);
  }
  return none;
}

} // namespace

expected<credential_store>
credential_store::make(const authenticator_config& cfg) {
  credential_store result;
  auto filter = address_filter::make(cfg.allow_addresses, cfg.deny_addresses);
  if (!filter)
    return std::move(filter.error());
  result.filter_ = std::move(*filter);
  for (auto& [name, rules] : cfg.domains) {
    auto field = "domains[" + name + "].";
    domain dom;
    dom.curve_allow_any = rules.curve_allow_any;
    for (size_t i = 0; i < rules.curve_keys.size(); ++i) {
      auto raw = curve_keypair::decode_public_key(rules.curve_keys[i]);
      if (!raw)
        return invalid_option(field + "curve_keys[" + std::to_string(i) + "]",
                              context_of(raw.error()));
      dom.curve_keys.emplace(std::move(*raw), certificate::metadata_list{});
    }
    for (size_t i = 0; i < rules.curve_certificates.size(); ++i) {
      auto& cert = rules.curve_certificates[i];
      if (cert.empty())
        return invalid_option(field + "curve_certificates["
                                + std::to_string(i) + "]",
                              "a certificate without a key");
      dom.curve_keys[cert.public_key()] = cert.metadata();
    }
    for (size_t i = 0; i < rules.curve_certificate_paths.size(); ++i) {
      cert_source src;
      src.path = rules.curve_certificate_paths[i];
      if (auto err = load(src))
        return make_error(errc::invalid_certificate,
                          field + "curve_certificate_paths["
                            + std::to_string(i) + "]: " + context_of(err));
      dom.sources.push_back(std::move(src));
    }
    if (auto err = add_passwords(rules, field, dom.passwords))
      return err;
    result.domains_.emplace(name, std::move(dom));
  }
  return result;
}

error credential_store::load(cert_source& src) {
  src.keys.clear();
  src.readable = false;
  src.mtime = timespec{};
  struct stat st {};
  if (::stat(src.path.c_str(), &st) != 0) {
    auto code = errno;
    return make_error(errc::invalid_certificate,
                      src.path + ": " + std::strerror(code));
  }
  src.mtime = st.st_mtim;
  std::vector<certificate> certs;
  if (S_ISDIR(st.st_mode)) {
    auto loaded = certificate::load_directory(src.path);
    if (!loaded)
      return std::move(loaded.error());
    certs = std::move(*loaded);
  } else {
    auto loaded = certificate::load(src.path);
    if (!loaded)
      return std::move(loaded.error());
    certs.push_back(std::move(*loaded));
  }
  for (auto& cert : certs)
    src.keys[cert.public_key()] = cert.metadata();
  src.readable = true;
  return none;
}

bool credential_store::changed(const cert_source& src) {
  struct stat st {};
  if (::stat(src.path.c_str(), &st) != 0)
    return src.readable; // gone since the last load
  return st.st_mtim.tv_sec != src.mtime.tv_sec
         || st.st_mtim.tv_nsec != src.mtime.tv_nsec || !src.readable;
}

error credential_store::reload() {
  std::string failed;
  for (auto& [name, dom] : domains_) {
    for (auto& src : dom.sources) {
      if (auto err = load(src))
        failed += (failed.empty() ? "" : "; ") + context_of(err);
    }
  }
  if (failed.empty())
    return none;
  return make_error(errc::invalid_certificate, std::move(failed));
}

credential_store::domain*
credential_store::find_domain(const std::string& name) {
  auto i = domains_.find(name);
  if (i == domains_.end())
    i = domains_.find("*");
  return i != domains_.end() ? &i->second : nullptr;
}

zap_reply credential_store::decide(const zap_request& req) {
  switch (filter_.check(req.address)) {
    case address_filter::verdict::denied:
      return zap_reply::deny("address denied");
    case address_filter::verdict::not_allowed:
      return zap_reply::deny("address not allowed");
    case address_filter::verdict::pass:
      break;
  }
  if (req.mechanism == "NULL")
    return zap_reply::accept();
  auto* dom = find_domain(req.domain);
  if (dom == nullptr)
    return zap_reply::deny("no rules for domain '" + req.domain + "'");
  if (req.mechanism == "PLAIN")
    return decide_plain(*dom, req);
  if (req.mechanism == "CURVE")
    return decide_curve(*dom, req);
  return zap_reply::deny("unsupported mechanism");
}

zap_reply credential_store::decide_curve(domain& dom, const zap_request& req) {
  if (req.client_key.size() != 32)
    return zap_reply::deny("malformed client key");
  auto user_id = req.client_key_z85.empty()
                   ? curve_keypair::to_z85(req.client_key)
                   : req.client_key_z85;
  if (dom.curve_allow_any)
    return zap_reply::accept(std::move(user_id));
  auto accept = [&](const certificate::metadata_list& meta) {
    auto reply = zap_reply::accept(user_id);
    reply.properties = meta;
    return reply;
  };
  if (auto i = dom.curve_keys.find(req.client_key); i != dom.curve_keys.end())
    return accept(i->second);
  for (auto& src : dom.sources) {
    if (changed(src))
      static_cast<void>(load(src)); // fails closed: no keys from it then
    if (auto i = src.keys.find(req.client_key); i != src.keys.end())
      return accept(i->second);
  }
  return zap_reply::deny("client key not allowed");
}

zap_reply credential_store::decide_plain(const domain& dom,
                                         const zap_request& req) {
  if (dom.passwords.empty())
    return zap_reply::deny("no PLAIN users in this domain");
  const secret* stored = nullptr;
  for (auto& [user, password] : dom.passwords)
    if (user == req.username)
      stored = &password;
  bool ok;
  if (stored != nullptr) {
    ok = stored->matches(req.password.reveal());
  } else {
    // An unknown user costs a comparison as well (against zeros of the
    // candidate's size), so timing tells little about which names exist.
    secret dummy{std::string(req.password.size(), '\0')};
    static_cast<void>(dummy.matches(req.password.reveal()));
    ok = false;
  }
  if (!ok)
    return zap_reply::deny("invalid user name or password");
  return zap_reply::accept(req.username);
}

} // namespace caf::monocoque::internal
