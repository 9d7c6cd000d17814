#pragma once

#include "caf/monocoque/message_types.hpp"
#include "caf/monocoque/proxy_options.hpp"
#include "caf/monocoque/proxy_socket.hpp"
#include "caf/monocoque/proxy_stats.hpp"
#include "caf/monocoque/socket_interfaces.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <vector>

namespace caf::monocoque {

/// **proxy_actor**: moves messages between two sockets, like libzmq's
/// `zmq_proxy_steerable` (a ROUTER/DEALER broker, an XSUB/XPUB forwarder,
/// a PULL/PUSH streamer), with an optional capture socket.
///
/// **Directions.** Frontend → backend always (the frontend must receive,
/// the backend send). Backend → frontend too when the backend receives and
/// the frontend sends: ROUTER/DEALER (replies), XSUB/XPUB (subscriptions
/// go upstream), but not PULL → PUSH.
///
/// **Flow and memory.** The proxy is the batched delivery target of each
/// receiving side (`deliver_atom, batch_atom`) and the one-way producer of
/// each sending side (`window_atom` + `post_atom`, `proxy_options::window`
/// messages, `window` below). It grants a receiving side delivery credit
/// only as the other side returns post credit (messages left its queue for
/// a connection), one for one, so per direction at most `window` messages
/// are between the two sockets;
/// the rest waits in the receiving socket (RCVHWM per peer), whose peers
/// then stop being read: backpressure reaches the sender end to end. (A
/// PUB or XPUB sink never pushes back: as in libzmq, it drops for a
/// subscriber at SNDHWM, unless `xpub_nodrop`.)
/// Messages move; frames are refcounted slices, never copied.
///
/// **Capture.** Every forwarded message (both directions) is also posted
/// to the capture socket, which must send (PUB, PUSH, DEALER, PAIR …), as
/// a copy sharing the frames. The capture has its own window
/// (`proxy_options::capture_window`); when it has no credit left the copy
/// is dropped and counted
/// (`proxy_stats::capture_dropped`): a slow capture never stalls
/// forwarding. A capture socket that exits is dropped the same way.
///
/// **Steering.** `(pause_atom)` → `ok`: stop forwarding and granting
/// credit; what was already granted still arrives and waits in the proxy
/// (`proxy_side_stats::held`, at most `window` per direction), the rest in
/// the sockets. `(resume_atom)` → `ok`: forward again. `(stats_atom)` →
/// `proxy_stats`. `(terminate_atom)` → `ok` once the proxy stopped: it
/// withdraws delivery from its sockets, waits for what they already pushed
/// to it, posts everything it holds to its destination (also when paused:
/// nothing the proxy took is lost), withdraws its windows and exits
/// normally. As in libzmq, terminate does not close the sockets: whoever
/// holds their handles may keep using them (messages not yet taken are
/// still in them) or close them; a socket only the proxy referenced closes
/// with its linger when the proxy is gone.
///
/// **Lifetime.** The proxy runs until `terminate`, or until its frontend
/// or backend exits (e.g. after `close_atom`): then it stops the same way
/// (minus the dead socket) and exits with that socket's exit reason. If it
/// is killed, it still withdraws delivery and windows from its sockets.
///
/// It runs on CAF's scheduler like any user actor, unless
/// `proxy_options::on_ring` pins it to a ring. The `message_atom` and
/// `credit_atom` verbs are for its sockets.
using proxy_actor = typed_actor<
  replies_to<pause_atom>::with<ok_atom>,
  replies_to<resume_atom>::with<ok_atom>,
  replies_to<terminate_atom>::with<ok_atom>,
  replies_to<stats_atom>::with<proxy_stats>,
  reacts_to<message_atom, std::vector<multipart>>,
  reacts_to<credit_atom, uint64_t>>;

/// Spawns a proxy between `frontend` and `backend`, with an optional
/// `capture`, and starts it at once. Fails with `errc::invalid_operation`
/// if a socket is missing, the frontend cannot receive, the backend or the
/// capture cannot send, one socket is given twice, or a window is 0.
expected<proxy_actor> spawn_proxy(actor_system& sys, proxy_socket frontend,
                                  proxy_socket backend,
                                  proxy_socket capture = {},
                                  proxy_options opts = {});

} // namespace caf::monocoque
