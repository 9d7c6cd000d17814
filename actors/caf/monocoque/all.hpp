#pragma once

/// Umbrella header of caf-monocoque: the module, its options and errors, and
/// every socket type users spawn. It lives on the top floor (actors/), the
/// one that may include both the actors' and the module's public headers.
/// Parses neither liburing nor spdlog (tests/package/public_headers_test.sh).

#include "caf/monocoque/authenticator_config.hpp"
#include "caf/monocoque/authenticators.hpp"
#include "caf/monocoque/dealer_actor.hpp"
#include "caf/monocoque/pair_actor.hpp"
#include "caf/monocoque/proxy_actor.hpp"
#include "caf/monocoque/pub_actor.hpp"
#include "caf/monocoque/pull_actor.hpp"
#include "caf/monocoque/push_actor.hpp"
#include "caf/monocoque/rep_actor.hpp"
#include "caf/monocoque/req_actor.hpp"
#include "caf/monocoque/router_actor.hpp"
#include "caf/monocoque/sub_actor.hpp"
#include "caf/monocoque/xpub_actor.hpp"
#include "caf/monocoque/xsub_actor.hpp"
#include "caf/monocoque/socket_interfaces.hpp"
#include "caf/monocoque/socket_stats.hpp"
#include "caf/monocoque/endpoint.hpp"
#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/module.hpp"
#include "caf/monocoque/options.hpp"
#include "caf/monocoque/socket_event.hpp"
#include "caf/monocoque/socket_options.hpp"
#include "caf/monocoque/authenticator.hpp"
#include "caf/monocoque/certificate.hpp"
#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/peer_identity.hpp"
#include "caf/monocoque/secret.hpp"
#include "caf/monocoque/security_options.hpp"
#include "caf/monocoque/spawn_on_ring.hpp"
