#pragma once

#include "caf/monocoque/socket_interfaces.hpp"

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/detail/type_list.hpp>
#include <caf/typed_actor.hpp>

#include <utility>

namespace caf::monocoque {

/// A socket handed to `spawn_proxy`: a dynamically typed handle plus what
/// the socket can do (send, receive), which decides the directions the
/// proxy runs.
///
/// Any typed socket handle converts implicitly, and its interface tells the
/// capabilities at compile time: a handle with every verb of
/// `sending_actor` sends, one with every verb of `receiving_actor`
/// receives (`router_actor`, `dealer_actor`, `xpub_actor`, `xsub_actor`,
/// `pair_actor`: both; `push_actor`, `pub_actor`: send only; `pull_actor`,
/// `sub_actor`: receive only; `req_actor` and `rep_actor` lack the batch
/// verbs of `sending_actor`, so they count as receive only, and
/// `spawn_proxy` refuses them as a backend or capture: libzmq's proxy does
/// not take REQ/REP either). A dynamically typed `caf::actor` needs its
/// capabilities spelled out; they are not checked (like `actor_cast`).
/// Either way the actor must be one of our sockets: the proxy also
/// uses `socket_base_actor` verbs on it.
class proxy_socket {
public:
  /// No socket (e.g. no capture).
  proxy_socket() = default;

  /// Wraps a typed socket handle (implicit on purpose).
  template <class... Sigs>
  proxy_socket(const typed_actor<Sigs...>& hdl) // NOLINT: implicit on purpose
    : hdl_(actor_cast<actor>(hdl)),
      sends_(has_verbs<sending_actor, Sigs...>()),
      receives_(has_verbs<receiving_actor, Sigs...>()) {
    // nop
  }

  /// Wraps a dynamically typed socket handle whose capabilities the caller
  /// knows.
  proxy_socket(actor hdl, bool sends, bool receives)
    : hdl_(std::move(hdl)), sends_(sends), receives_(receives) {
    // nop
  }

  /// The socket's handle (null for "no socket").
  const actor& handle() const noexcept {
    return hdl_;
  }

  /// Whether the socket can send (`sending_actor` verbs).
  bool sends() const noexcept {
    return sends_;
  }

  /// Whether the socket can receive (`receiving_actor` verbs).
  bool receives() const noexcept {
    return receives_;
  }

  /// Whether a socket is set.
  explicit operator bool() const noexcept {
    return static_cast<bool>(hdl_);
  }

private:
  template <class Interface, class... Sigs>
  static constexpr bool has_verbs() {
    return ::caf::detail::tl_subset_of<typename Interface::signatures,
                                       ::caf::detail::type_list<Sigs...>>::value;
  }

  actor hdl_;
  bool sends_ = false;
  bool receives_ = false;
};

} // namespace caf::monocoque
