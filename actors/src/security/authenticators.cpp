#include "caf/monocoque/authenticators.hpp"

#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/internal/credential_store.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <sys/stat.h>

namespace caf::monocoque {

namespace {

struct authenticator_state {
  internal::credential_store store;
  static inline const char* name = "monocoque.authenticator";
};

configurable_authenticator_actor::behavior_type
authenticator_impl(configurable_authenticator_actor::stateful_pointer<
                     authenticator_state>
                     self,
                   internal::credential_store store) {
  self->state.store = std::move(store);
  return {
    [=](authenticate_atom, const zap_request& req) -> zap_reply {
      return self->state.store.decide(req);
    },
    [=](reload_atom) -> result<ok_atom> {
      if (auto err = self->state.store.reload())
        return err;
      return ok_atom::value;
    },
    [=](put_atom, const authenticator_config& cfg) -> result<ok_atom> {
      auto store = internal::credential_store::make(cfg);
      if (!store)
        return std::move(store.error());
      self->state.store = std::move(*store);
      return ok_atom::value;
    },
  };
}

} // namespace

expected<configurable_authenticator_actor>
spawn_authenticator(actor_system& sys, authenticator_config cfg) {
  auto store = internal::credential_store::make(cfg);
  if (!store)
    return std::move(store.error());
  return sys.spawn(authenticator_impl, std::move(*store));
}

configurable_authenticator_actor
spawn_curve_allow_any_authenticator(actor_system& sys) {
  authenticator_config cfg;
  cfg.any_domain().curve_allow_any = true;
  // Nothing in this configuration can fail to compile.
  return *spawn_authenticator(sys, std::move(cfg));
}

expected<configurable_authenticator_actor>
spawn_curve_authenticator(actor_system& sys,
                          std::vector<std::string> keys_or_paths) {
  authenticator_config cfg;
  auto& rules = cfg.any_domain();
  for (auto& item : keys_or_paths) {
    // An existing file or directory is a path (a 40-character path and a
    // Z85 key can look alike); else 40 characters are a key and anything
    // else a path (a missing one fails the spawn, naming it).
    struct stat st {};
    if (::stat(item.c_str(), &st) != 0 && item.size() == 40)
      rules.curve_keys.push_back(std::move(item));
    else
      rules.curve_certificate_paths.push_back(std::move(item));
  }
  return spawn_authenticator(sys, std::move(cfg));
}

expected<configurable_authenticator_actor>
spawn_plain_authenticator(actor_system& sys,
                          std::vector<std::pair<std::string, secret>>
                            passwords) {
  authenticator_config cfg;
  cfg.any_domain().plain_passwords = std::move(passwords);
  return spawn_authenticator(sys, std::move(cfg));
}

} // namespace caf::monocoque
