#include "sockets.hpp"

#include <cstdio>

namespace mq = caf::monocoque;

namespace mqcat {

namespace {

bool is_usage_error(const caf::error& err) {
  return err.category() == mq::errc_category
         && (err.code() == static_cast<uint8_t>(mq::errc::invalid_endpoint)
             || err.code()
                  == static_cast<uint8_t>(mq::errc::unsupported_transport));
}

} // namespace

int complain(int code, const std::string& what) {
  std::fprintf(stderr, "mqcat: %s\n", what.c_str());
  return code;
}

std::optional<mq::socket_options> backend_options(caf::actor_system& sys) {
  auto* mod = mq::module::from(sys);
  if (mod != nullptr && !mod->status())
    return mq::socket_options::from(mod->opts());
  complain(exit_failure, "the io_uring backend is unavailable: "
                           + (mod ? sys.render(mod->status()) : "not loaded"));
  return std::nullopt;
}

caf::actor spawn_socket(caf::actor_system& sys, std::string_view type,
                        mq::socket_options opts) {
  auto dyn = [](auto hdl) { return caf::actor_cast<caf::actor>(hdl); };
  if (type == "dealer")
    return dyn(mq::spawn_dealer(sys, std::move(opts)));
  if (type == "router")
    return dyn(mq::spawn_router(sys, std::move(opts)));
  if (type == "req")
    return dyn(mq::spawn_req(sys, std::move(opts)));
  if (type == "rep")
    return dyn(mq::spawn_rep(sys, std::move(opts)));
  if (type == "push")
    return dyn(mq::spawn_push(sys, std::move(opts)));
  if (type == "pull")
    return dyn(mq::spawn_pull(sys, std::move(opts)));
  if (type == "pair")
    return dyn(mq::spawn_pair(sys, std::move(opts)));
  if (type == "pub")
    return dyn(mq::spawn_pub(sys, std::move(opts)));
  if (type == "sub")
    return dyn(mq::spawn_sub(sys, std::move(opts)));
  if (type == "xpub")
    return dyn(mq::spawn_xpub(sys, std::move(opts)));
  if (type == "xsub")
    return dyn(mq::spawn_xsub(sys, std::move(opts)));
  return {};
}

bool type_sends(std::string_view type) {
  return type != "pull" && type != "sub";
}

bool type_receives(std::string_view type) {
  return type != "push" && type != "pub";
}

int set_up(caf::actor_system& sys, caf::scoped_actor& self,
           const caf::actor& socket,
           const std::vector<endpoint_arg>& endpoints) {
  int rc = exit_ok;
  auto on_error = [&](const endpoint_arg& ep) {
    return [&](caf::error& err) {
      rc = complain(is_usage_error(err) ? exit_usage : exit_failure,
                    std::string{"cannot "} + (ep.bind ? "bind " : "connect ")
                      + ep.address + ": " + sys.render(err));
    };
  };
  for (auto& ep : endpoints) {
    if (ep.bind)
      self->request(socket, caf::infinite, mq::bind_atom::value, ep.address)
        .receive(
          [&](std::string& bound) {
            if (bound != ep.address) // e.g. a `*` port: say which one
              std::fprintf(stderr, "mqcat: bound %s\n", bound.c_str());
          },
          on_error(ep));
    else
      self
        ->request(socket, caf::infinite, mq::connect_atom::value, ep.address)
        .receive([](caf::ok_atom) {}, on_error(ep));
    if (rc != exit_ok)
      return rc;
  }
  return exit_ok;
}

int subscribe(caf::actor_system& sys, caf::scoped_actor& self,
              const caf::actor& socket, std::string_view type,
              const std::vector<std::string>& prefixes) {
  int rc = exit_ok;
  for (auto& prefix : prefixes) {
    auto on_error = [&](caf::error& err) {
      rc = complain(exit_failure,
                    "cannot subscribe: " + sys.render(err));
    };
    if (type == "sub") {
      self
        ->request(socket, caf::infinite, mq::subscribe_to_atom::value, prefix)
        .receive([](caf::ok_atom) {}, on_error);
    } else {
      // XSUB: the application subscribes with a message, \x01 + prefix.
      mq::multipart msg;
      msg.push_back(mq::frame::from_string(std::string{'\x01'} + prefix));
      self->request(socket, caf::infinite, mq::send_atom::value, msg)
        .receive([](caf::ok_atom) {}, on_error);
    }
    if (rc != exit_ok)
      return rc;
  }
  return exit_ok;
}

} // namespace mqcat
