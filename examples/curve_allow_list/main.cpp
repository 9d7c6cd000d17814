// curve_allow_list: a CURVE server that admits only the clients whose
// certificate is in a directory, and tells who sent each message.
//
// Our router_actor is the CURVE server. Its authenticator (the ready-made
// one, `spawn_authenticator`) allows the public certificates in a directory.
// Two libzmq DEALERs (cppzmq, in this program) connect: "alice", whose public
// certificate is in the directory, and "mallory", with a key nobody allowed.
// Alice's message arrives with her user id (her key in Z85) and her
// certificate's metadata; mallory's never does:
//
//   router_actor got 'hello from alice' from user <40 Z85 chars> (name=alice)
//   mallory was refused: 0 message(s) came through
//
// Exit code 0 on success; 1 with a message on failure or after 5 s.
#include "caf/monocoque/all.hpp"

#include <caf/all.hpp>
#include <zmq.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace mq = caf::monocoque;
using namespace std::chrono_literals;

namespace {

// A libzmq DEALER that is a CURVE client of `server_key` with `me`'s keys.
zmq::socket_t curve_dealer(zmq::context_t& ctx, const mq::certificate& me,
                           const std::string& server_key_z85) {
  zmq::socket_t s{ctx, zmq::socket_type::dealer};
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::curve_serverkey, server_key_z85);
  s.set(zmq::sockopt::curve_publickey, me.public_key_z85());
  auto sk = me.keys().secret_key_z85(); // wiped when it goes
  s.set(zmq::sockopt::curve_secretkey, std::string{sk.reveal_string()});
  return s;
}

} // namespace

int main(int argc, char** argv) {
  mq::config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "curve_allow_list: %s\n", cfg.render(err).c_str());
    return 1;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  cfg.load<mq::module>();
  caf::actor_system sys{cfg};
  if (auto err = mq::module::from(sys)->status()) {
    std::fprintf(stderr, "curve_allow_list: %s\n", sys.render(err).c_str());
    return 1;
  }
  std::string failure;
  auto fail = [&](const std::string& what) {
    if (failure.empty())
      failure = what;
  };

  // 1. Certificates: the server's keypair, alice's (her public certificate
  //    goes into the allow-list directory) and mallory's (nowhere).
  char dir_template[] = "/tmp/curve_allow_list.XXXXXX";
  std::string dir = mkdtemp(dir_template);
  auto server_cert = mq::certificate::generate();
  auto alice = mq::certificate::generate();
  auto mallory = mq::certificate::generate();
  if (!server_cert || !alice || !mallory) {
    std::fprintf(stderr, "curve_allow_list: no keypair\n");
    return 1;
  }
  if (auto err = alice->set_meta("name", "alice"))
    fail(sys.render(err));
  if (auto err = alice->save_public(dir + "/alice.key"))
    fail(sys.render(err));

  // 2. The authenticator: the certificates in `dir` (re-read when the
  //    directory changes), in every ZAP domain.
  mq::authenticator_config acfg;
  acfg.any_domain().curve_certificate_paths.push_back(dir);
  auto auth = mq::spawn_authenticator(sys, acfg);
  if (!auth) {
    std::fprintf(stderr, "curve_allow_list: %s\n",
                 sys.render(auth.error()).c_str());
    return 1;
  }

  // 3. Our ROUTER, the CURVE server, bound to a free port.
  auto opts = mq::socket_options::from(mq::module::from(sys)->opts());
  opts.security.curve_server = true;
  opts.security.curve_secret_key = server_cert->keys().secret_key();
  opts.security.authenticator = *auth;
  auto router = mq::spawn_router(sys, opts);
  caf::scoped_actor self{sys};
  auto on_error = [&](caf::error& err) { fail(sys.render(err)); };
  std::string endpoint;
  self->request(router, 5s, mq::bind_atom::value, "tcp://127.0.0.1:*")
    .receive([&](std::string& ep) { endpoint = ep; }, on_error);

  // 4. The clients: both send one message.
  zmq::context_t ctx;
  auto server_key = server_cert->public_key_z85();
  auto a = curve_dealer(ctx, *alice, server_key);
  auto m = curve_dealer(ctx, *mallory, server_key);
  if (failure.empty()) {
    m.connect(endpoint);
    m.send(zmq::str_buffer("hello from mallory"), zmq::send_flags::dontwait);
    a.connect(endpoint);
    a.send(zmq::str_buffer("hello from alice"), zmq::send_flags::dontwait);
  }

  // 5. Receive with the sender's identity: [routing id, payload] and who.
  if (failure.empty())
    self
      ->request(router, caf::infinite, mq::recv_atom::value,
                mq::from_atom::value, caf::timespan{5s})
      .receive(
        [&](mq::multipart& msg, mq::peer_identity_ptr& who) {
          std::string name = "?";
          for (auto& [key, value] : who->properties)
            if (key == "name")
              name = value;
          std::printf("router_actor got '%s' from user %s (name=%s)\n",
                      msg.back().to_string().c_str(), who->user_id.c_str(),
                      name.c_str());
          if (msg.back().to_string() != "hello from alice")
            fail("a message from someone else came first");
          if (who->mechanism != "CURVE"
              || who->user_id != alice->public_key_z85() || name != "alice")
            fail("wrong identity");
        },
        on_error);

  // 6. Mallory's message must never come: nothing more within 500 ms.
  size_t stray = 0;
  if (failure.empty())
    self
      ->request(router, caf::infinite, mq::recv_atom::value,
                caf::timespan{500ms})
      .receive([&](mq::multipart&) { ++stray; },
               [](caf::error&) { /* timed out: nothing came */ });
  std::printf("mallory was refused: %zu message(s) came through\n", stray);
  if (stray != 0)
    fail("mallory got through");

  a.close();
  m.close();
  self->request(router, 5s, mq::close_atom::value)
    .receive([](caf::ok_atom) {}, on_error);
  self->send_exit(*auth, caf::exit_reason::user_shutdown);
  std::remove((dir + "/alice.key").c_str());
  rmdir(dir.c_str());
  if (!failure.empty()) {
    std::fprintf(stderr, "curve_allow_list: %s\n", failure.c_str());
    return 1;
  }
  return 0;
}
