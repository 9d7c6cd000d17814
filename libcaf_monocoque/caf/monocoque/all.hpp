#pragma once

/// Umbrella header of caf-monocoque: the module, its options and errors, and
/// every socket actor users spawn.

#include "caf/monocoque/dealer_actor.hpp"
#include "caf/monocoque/endpoint.hpp"
#include "caf/monocoque/errc.hpp"
#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/module.hpp"
#include "caf/monocoque/options.hpp"
#include "caf/monocoque/socket_options.hpp"
