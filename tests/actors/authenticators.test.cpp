// The ready-made authenticator (authenticators.hpp), driven with
// zap_requests under the test coordinator: CURVE allow-any, key lists,
// certificates and certificate directories (mtime reload, reload_atom,
// fail closed), PLAIN passwords, address allow/deny lists, domains,
// configuration errors and replacing the configuration.

#define CAF_SUITE authenticators
#include "error_helpers.hpp"
#include "temp_dir.hpp"
#include "caf/monocoque/authenticators.hpp"
#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/errc.hpp"

#include <caf/test/dsl.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace caf;
using namespace caf::monocoque;

namespace {

using monocoque_test::context;
using monocoque_test::is;
using monocoque_test::temp_dir;

// Sets the modification time of `path` (deterministic change detection:
// file system clocks are coarse).
void set_mtime(const std::string& path, time_t sec) {
  timespec times[2] = {{sec, 0}, {sec, 0}};
  CAF_REQUIRE_EQUAL(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

curve_keypair new_keys() {
  auto keys = curve_keypair::generate();
  CAF_REQUIRE(keys);
  return std::move(*keys);
}

zap_request curve_req(const curve_keypair& keys, std::string domain = {},
                      std::string address = "127.0.0.1") {
  zap_request req;
  req.domain = std::move(domain);
  req.address = std::move(address);
  req.mechanism = "CURVE";
  req.client_key = keys.public_key();
  req.client_key_z85 = keys.public_key_z85();
  return req;
}

zap_request plain_req(std::string user, std::string_view password,
                      std::string domain = {},
                      std::string address = "127.0.0.1") {
  zap_request req;
  req.domain = std::move(domain);
  req.address = std::move(address);
  req.mechanism = "PLAIN";
  req.username = std::move(user);
  req.password = secret{password};
  return req;
}

std::pair<std::string, secret> user(std::string name,
                                    std::string_view password) {
  return {std::move(name), secret{password}};
}

struct fixture : test_coordinator_fixture<> {
  configurable_authenticator_actor auth;

  ~fixture() {
    if (auth)
      anon_send_exit(auth, exit_reason::kill);
    sched.run();
  }

  void start(authenticator_config cfg) {
    auto hdl = spawn_authenticator(sys, std::move(cfg));
    CAF_REQUIRE(hdl);
    auth = *hdl;
    sched.run();
  }

  zap_reply ask(const zap_request& req) {
    self->send(auth, authenticate_atom::value, req);
    sched.run();
    zap_reply result;
    result.status = 0;
    self->receive([&](zap_reply& x) { result = std::move(x); });
    return result;
  }

  uint16_t status(const zap_request& req) {
    return ask(req).status;
  }

  // Sends `(reload_atom)` or `(put_atom, cfg)`; returns the error (none for
  // ok_atom).
  template <class... Ts>
  error steer(Ts&&... xs) {
    self->send(auth, std::forward<Ts>(xs)...);
    sched.run();
    error result = make_error(errc::timed_out);
    self->receive([&](ok_atom) { result = none; },
                  [&](error& err) { result = std::move(err); });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(authenticator_tests, fixture)

CAF_TEST(allow any accepts every CURVE key and names it) {
  auth = spawn_curve_allow_any_authenticator(sys);
  sched.run();
  auto keys = new_keys();
  auto reply = ask(curve_req(keys, "any-domain"));
  CAF_CHECK_EQUAL(reply.status, 200u);
  CAF_CHECK_EQUAL(reply.user_id, keys.public_key_z85());
  // Z85 missing in the request: computed from the raw key.
  auto req = curve_req(keys);
  req.client_key_z85.clear();
  CAF_CHECK_EQUAL(ask(req).user_id, keys.public_key_z85());
  // A malformed key never passes.
  req.client_key = "short";
  CAF_CHECK_EQUAL(status(req), 400u);
  // PLAIN is not configured: refused.
  CAF_CHECK_EQUAL(status(plain_req("u", "p")), 400u);
}

CAF_TEST(a key list accepts exactly its keys in raw or Z85 form) {
  auto a = new_keys();
  auto b = new_keys();
  auto c = new_keys();
  authenticator_config cfg;
  cfg.any_domain().curve_keys = {a.public_key_z85(), b.public_key()};
  start(std::move(cfg));
  auto reply = ask(curve_req(a));
  CAF_CHECK_EQUAL(reply.status, 200u);
  CAF_CHECK_EQUAL(reply.user_id, a.public_key_z85());
  CAF_CHECK(reply.properties.empty());
  CAF_CHECK_EQUAL(status(curve_req(b)), 200u);
  reply = ask(curve_req(c));
  CAF_CHECK_EQUAL(reply.status, 400u);
  CAF_CHECK_EQUAL(reply.status_text, "client key not allowed");
  CAF_CHECK(reply.user_id.empty());
}

CAF_TEST(a certificate's metadata become the reply's properties) {
  auto cert = certificate::generate();
  CAF_REQUIRE(cert);
  CAF_CHECK(!cert->set_meta("name", "alice"));
  CAF_CHECK(!cert->set_meta("role", "admin"));
  authenticator_config cfg;
  cfg.any_domain().curve_certificates.push_back(cert->public_part());
  start(std::move(cfg));
  auto reply = ask(curve_req(cert->keys()));
  CAF_CHECK_EQUAL(reply.status, 200u);
  CAF_CHECK_EQUAL(reply.user_id, cert->public_key_z85());
  using props = std::vector<std::pair<std::string, std::string>>;
  CAF_CHECK_EQUAL(reply.properties,
                  (props{{"name", "alice"}, {"role", "admin"}}));
}

CAF_TEST(a certificate directory is re-read when its time changes) {
  temp_dir dir;
  auto a = certificate::generate();
  auto b = certificate::generate();
  CAF_REQUIRE(a && b);
  CAF_REQUIRE(!a->save_public(dir / "a.key"));
  set_mtime(dir.path, 1000000);
  authenticator_config cfg;
  cfg.any_domain().curve_certificate_paths = {dir.path};
  start(std::move(cfg));
  CAF_CHECK_EQUAL(status(curve_req(a->keys())), 200u);
  CAF_CHECK_EQUAL(status(curve_req(b->keys())), 400u);
  // A new file: the directory's time changes, the next request sees it.
  CAF_REQUIRE(!b->save_public(dir / "b.key"));
  set_mtime(dir.path, 2000000);
  CAF_CHECK_EQUAL(status(curve_req(b->keys())), 200u);
  // A file edited in place (the directory's time stays): only a reload
  // makes the change count.
  auto c = certificate::generate();
  CAF_REQUIRE(c);
  {
    std::ofstream out{dir / "b.key", std::ios::trunc};
    out << c->public_text();
  }
  set_mtime(dir.path, 2000000);
  CAF_CHECK_EQUAL(status(curve_req(c->keys())), 400u);
  CAF_CHECK_EQUAL(status(curve_req(b->keys())), 200u);
  CAF_CHECK(!steer(reload_atom::value));
  CAF_CHECK_EQUAL(status(curve_req(c->keys())), 200u);
  CAF_CHECK_EQUAL(status(curve_req(b->keys())), 400u);
  // The directory disappears: nobody from it passes (fail closed), and a
  // reload says why.
  auto cmd = "rm -rf '" + dir.path + "'";
  CAF_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
  CAF_CHECK_EQUAL(status(curve_req(a->keys())), 400u);
  auto err = steer(reload_atom::value);
  CAF_CHECK(is(err, errc::invalid_certificate));
  CAF_CHECK_NOT_EQUAL(context(err).find(dir.path), std::string::npos);
  CAF_CHECK_EQUAL(status(curve_req(a->keys())), 400u);
}

CAF_TEST(spawn_curve_authenticator takes keys and paths) {
  temp_dir dir;
  auto a = certificate::generate();
  auto b = new_keys();
  CAF_REQUIRE(a);
  CAF_REQUIRE(!a->save(dir / "a.key"));
  auto hdl = spawn_curve_authenticator(sys, {dir / "a.key",
                                             b.public_key_z85()});
  CAF_REQUIRE(hdl);
  auth = *hdl;
  sched.run();
  CAF_CHECK_EQUAL(status(curve_req(a->keys())), 200u);
  CAF_CHECK_EQUAL(status(curve_req(b)), 200u);
  CAF_CHECK_EQUAL(status(curve_req(new_keys())), 400u);
  auto bad = spawn_curve_authenticator(sys, {dir / "missing"});
  CAF_REQUIRE(!bad);
  CAF_CHECK(is(bad.error(), errc::invalid_certificate));
  bad = spawn_curve_authenticator(sys, {std::string(40, '"')});
  CAF_REQUIRE(!bad);
  CAF_CHECK(is(bad.error(), errc::invalid_option));
}

CAF_TEST(a password table accepts right passwords only) {
  auto hdl = spawn_plain_authenticator(sys, {user("admin", "secret"),
                                             user("guest", "")});
  CAF_REQUIRE(hdl);
  auth = *hdl;
  sched.run();
  auto reply = ask(plain_req("admin", "secret"));
  CAF_CHECK_EQUAL(reply.status, 200u);
  CAF_CHECK_EQUAL(reply.user_id, "admin");
  CAF_CHECK_EQUAL(status(plain_req("guest", "")), 200u);
  reply = ask(plain_req("admin", "Secret"));
  CAF_CHECK_EQUAL(reply.status, 400u);
  CAF_CHECK_EQUAL(reply.status_text, "invalid user name or password");
  CAF_CHECK_EQUAL(reply.status_text.find("Secret"), std::string::npos);
  CAF_CHECK_EQUAL(status(plain_req("admin", "secret!")), 400u);
  CAF_CHECK_EQUAL(status(plain_req("admin", "")), 400u);
  reply = ask(plain_req("nobody", "secret"));
  CAF_CHECK_EQUAL(reply.status, 400u);
  CAF_CHECK_EQUAL(reply.status_text, "invalid user name or password");
  // CURVE is not configured: refused.
  CAF_CHECK_EQUAL(status(curve_req(new_keys())), 400u);
}

CAF_TEST(addresses are checked first and deny wins) {
  authenticator_config cfg;
  cfg.any_domain().curve_allow_any = true;
  cfg.allow_addresses = {"127.0.0.1", "10.0.0.0/8", "fd00::/8"};
  cfg.deny_addresses = {"10.1.2.3", "::1"};
  start(std::move(cfg));
  auto keys = new_keys();
  auto from = [&](std::string address) {
    return ask(curve_req(keys, {}, std::move(address)));
  };
  CAF_CHECK_EQUAL(from("127.0.0.1").status, 200u);
  CAF_CHECK_EQUAL(from("10.200.0.1").status, 200u);
  CAF_CHECK_EQUAL(from("::ffff:10.200.0.1").status, 200u);
  CAF_CHECK_EQUAL(from("fd12::7").status, 200u);
  auto denied = from("10.1.2.3");
  CAF_CHECK_EQUAL(denied.status, 400u);
  CAF_CHECK_EQUAL(denied.status_text, "address denied");
  CAF_CHECK_EQUAL(from("::ffff:10.1.2.3").status, 400u);
  CAF_CHECK_EQUAL(from("::1").status, 400u);
  auto outside = from("192.0.2.7");
  CAF_CHECK_EQUAL(outside.status, 400u);
  CAF_CHECK_EQUAL(outside.status_text, "address not allowed");
  CAF_CHECK_EQUAL(from("11.0.0.1").status, 400u);
  CAF_CHECK_EQUAL(from("").status, 400u); // e.g. IPC: not on the list
  CAF_CHECK_EQUAL(from("garbage").status, 400u);
  // NULL peers pass the address check only.
  zap_request null_req;
  null_req.mechanism = "NULL";
  null_req.address = "127.0.0.1";
  CAF_CHECK_EQUAL(status(null_req), 200u);
  null_req.address = "10.1.2.3";
  CAF_CHECK_EQUAL(status(null_req), 400u);
}

CAF_TEST(a deny list alone refuses only its entries) {
  authenticator_config cfg;
  cfg.any_domain().curve_allow_any = true;
  cfg.deny_addresses = {"192.0.2.0/24"};
  start(std::move(cfg));
  auto keys = new_keys();
  CAF_CHECK_EQUAL(status(curve_req(keys, {}, "192.0.2.99")), 400u);
  CAF_CHECK_EQUAL(status(curve_req(keys, {}, "192.0.3.1")), 200u);
  CAF_CHECK_EQUAL(status(curve_req(keys, {}, "")), 200u);
}

CAF_TEST(each domain has its own rules and star serves the rest) {
  authenticator_config cfg;
  cfg.any_domain().plain_passwords.push_back(user("alice", "a"));
  cfg.domains["admin"].plain_passwords.push_back(user("root", "r"));
  cfg.domains["keys-only"].curve_allow_any = true;
  start(std::move(cfg));
  CAF_CHECK_EQUAL(status(plain_req("alice", "a")), 200u);
  CAF_CHECK_EQUAL(status(plain_req("alice", "a", "other")), 200u);
  CAF_CHECK_EQUAL(status(plain_req("root", "r")), 400u);
  CAF_CHECK_EQUAL(status(plain_req("root", "r", "admin")), 200u);
  // An own entry replaces "*": alice is unknown in "admin".
  CAF_CHECK_EQUAL(status(plain_req("alice", "a", "admin")), 400u);
  CAF_CHECK_EQUAL(status(plain_req("alice", "a", "keys-only")), 400u);
  CAF_CHECK_EQUAL(status(curve_req(new_keys(), "keys-only")), 200u);
  CAF_CHECK_EQUAL(status(curve_req(new_keys(), "admin")), 400u);
}

CAF_TEST(without a star entry unknown domains are refused) {
  authenticator_config cfg;
  cfg.domains["a"].curve_allow_any = true;
  start(std::move(cfg));
  CAF_CHECK_EQUAL(status(curve_req(new_keys(), "a")), 200u);
  auto reply = ask(curve_req(new_keys(), "b"));
  CAF_CHECK_EQUAL(reply.status, 400u);
  CAF_CHECK_EQUAL(reply.status_text, "no rules for domain 'b'");
  zap_request odd = plain_req("x", "y", "a");
  odd.mechanism = "GSSAPI";
  CAF_CHECK_EQUAL(status(odd), 400u);
}

CAF_TEST(malformed configurations fail at spawn naming the field) {
  auto refused = [&](authenticator_config cfg, errc code,
                     const std::string& field) {
    auto hdl = spawn_authenticator(sys, std::move(cfg));
    CAF_CHECK(!hdl);
    if (hdl)
      return;
    CAF_CHECK(is(hdl.error(), code));
    CAF_MESSAGE(context(hdl.error()));
    CAF_CHECK_NOT_EQUAL(context(hdl.error()).find(field), std::string::npos);
  };
  authenticator_config cfg;
  cfg.any_domain().curve_keys = {new_keys().public_key_z85(), "short"};
  refused(cfg, errc::invalid_option, "domains[*].curve_keys[1]");
  cfg = authenticator_config{};
  cfg.allow_addresses = {"10.0.0.0/33"};
  refused(cfg, errc::invalid_option, "allow_addresses[0]");
  cfg = authenticator_config{};
  cfg.deny_addresses = {"127.0.0.1", "example.org"};
  refused(cfg, errc::invalid_option, "deny_addresses[1]");
  cfg = authenticator_config{};
  cfg.domains["d"].curve_certificate_paths = {"/nonexistent/certs"};
  refused(cfg, errc::invalid_certificate,
          "domains[d].curve_certificate_paths[0]: /nonexistent/certs");
  cfg = authenticator_config{};
  cfg.any_domain().plain_passwords = {user("a", "1"), user("a", "2")};
  refused(cfg, errc::invalid_option, "plain_passwords[1]");
  cfg = authenticator_config{};
  cfg.any_domain().plain_passwords = {user("", "1")};
  refused(cfg, errc::invalid_option, "plain_passwords[0]");
  cfg = authenticator_config{};
  cfg.any_domain().plain_passwords = {user("a", std::string(256, 'p'))};
  refused(cfg, errc::invalid_option, "at most 255");
  cfg = authenticator_config{};
  cfg.any_domain().curve_certificates.emplace_back();
  refused(cfg, errc::invalid_option, "curve_certificates[0]");
}

CAF_TEST(put_atom replaces the configuration or keeps the old one) {
  auto keys = new_keys();
  authenticator_config cfg;
  cfg.any_domain().plain_passwords.push_back(user("u", "p"));
  start(cfg);
  CAF_CHECK_EQUAL(status(plain_req("u", "p")), 200u);
  CAF_CHECK_EQUAL(status(curve_req(keys)), 400u);
  authenticator_config bad;
  bad.any_domain().curve_keys = {"nope"};
  CAF_CHECK(is(steer(put_atom::value, bad), errc::invalid_option));
  CAF_CHECK_EQUAL(status(plain_req("u", "p")), 200u);
  authenticator_config next;
  next.any_domain().curve_keys = {keys.public_key_z85()};
  CAF_CHECK(!steer(put_atom::value, next));
  CAF_CHECK_EQUAL(status(plain_req("u", "p")), 400u);
  CAF_CHECK_EQUAL(status(curve_req(keys)), 200u);
  // Without certificate paths a reload has nothing to do.
  CAF_CHECK(!steer(reload_atom::value));
}

CAF_TEST_FIXTURE_SCOPE_END()
