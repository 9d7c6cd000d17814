#pragma once

#include "caf/monocoque/internal/transport.hpp"
#include "caf/monocoque/internal/atoms.hpp"
#include "caf/monocoque/internal/event_interest.hpp"
#include "caf/monocoque/message_types.hpp"

#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>


#include <cstdint>
#include <optional>
#include <vector>

namespace caf::monocoque {

namespace detail {
class uring_multiplexer;
} // namespace detail

/// **SocketActor**: one per connection, pinned to an io_uring ring. It owns
/// the fd and runs two pumps:
/// - the read pump keeps one `recv` in flight while its upper layer allows
///   reading, and forwards each chunk as `(data_atom, frame)` (an empty
///   frame means the peer closed). The `recv` selects its buffer from the
///   ring's shared provided-buffer ring (see `detail::buffer_ring`) when
///   bytes arrive, so an idle connection holds no receive buffer; if that
///   ring runs empty it waits for readability (`poll`), then reads once
///   into a buffer of its own. Without a buffer ring every `recv` has a
///   buffer of its own (`monocoque.recv-buffer-size`);
/// - the write pump queues the frames it is given and writes them with one
///   vectored `sendmsg` at a time (up to 64 slices), re-queueing the rest of
///   a partial write; when a write request asks for it, it reports the
///   cumulative number of bytes written as `(wrote_atom, uint64_t)` once
///   those bytes are all written (not after every write: a round trip then
///   costs no report).
///
/// Who talks to it: its ZmtpIntegratedActor (the "upper layer", the sender of
/// the first `read_atom`), which it monitors; the io_uring completions of its
/// own operations. It exits with a monocoque error when the connection fails
/// (connect_failed, io_failure, connection_closed) and closes the fd on exit.
using socket_actor = typed_actor<
  // From the upper layer:
  // Queue bytes; with `true`, report `(wrote_atom, total)` once they are
  // all written.
  reacts_to<write_atom, std::vector<frame>, bool>,
  reacts_to<read_atom, bool>,                // enable/disable reading
  reacts_to<close_atom>,                     // flush, then close
  // Introspection: bytes queued and not written yet.
  replies_to<unwritten_atom>::with<uint64_t>,
  // From io_uring completions:
  reacts_to<connect_done_atom, int32_t>,
  reacts_to<recv_done_atom, frame, int32_t>,
  reacts_to<send_done_atom, int32_t>>;

/// What a SocketActor sends to its upper layer (a subset of `zmtp_integrated_actor`).
using socket_upper = typed_actor<reacts_to<data_atom, frame>,
                                 reacts_to<wrote_atom, uint64_t>>;

/// The bytes path into a SocketActor's upper layer without a mailbox trip:
/// an upper layer on the same ring registers with `attach_upper`, and the
/// SocketActor then offers each read to `take_bytes` before it sends
/// `(data_atom, chunk)`.
class direct_upper {
public:
  virtual ~direct_upper() = default;

  /// Ring thread only, never while the upper layer runs: takes `chunk` as
  /// `(data_atom, chunk)` would, if it can now. Returns false, with `chunk`
  /// untouched, otherwise: then the SocketActor sends the message.
  virtual bool take_bytes(frame& chunk) = 0;
};

/// Ring thread only: registers `upper` (the actor that sends `sock` its
/// first `read_atom`, which keeps it alive) as the direct path of `sock`'s
/// reads; null detaches it.
void attach_upper(const socket_actor& sock, direct_upper* upper);

/// Ring thread only: queues `bytes` at `sock` as `(write_atom, bytes,
/// report)` would, without a mailbox trip, if `sock` runs on the calling
/// thread's ring, is connected, knows its upper layer, is not closing and has
/// no message waiting (which the write would overtake). Returns false, with
/// `bytes` untouched, otherwise: then send the message.
bool write_direct(const socket_actor& sock, std::vector<frame>& bytes,
                  bool report);

/// A socket address to connect to.
using detail::connect_target;

/// Who hears that a connect completed (for the socket's event
/// subscribers): `(conn_event_atom, socket_event)` of kind `connected` with
/// the local and remote address goes to `owner`, only while `interest` is
/// non-zero.
struct connect_notice {
  /// The socket (held weakly).
  weak_actor_ptr owner;
  /// The connection's key at the owner.
  uint64_t key = 0;
  /// The connection's epoch.
  uint64_t epoch = 0;
  /// What the owner's subscribers want.
  detail::event_interest interest;
};

/// Spawns a SocketActor on `mpx` for the non-blocking socket `fd`. With a
/// `target`, it first connects the fd there; writes wait until connected. A
/// positive `connect_timeout` (ZMQ_CONNECT_TIMEOUT) abandons a connect still
/// pending after that long: the actor exits with `connect_failed`
/// ("connect timed out after N ms").
socket_actor spawn_socket_actor(actor_system& sys,
                                detail::uring_multiplexer* mpx, int fd,
                                std::optional<connect_target> target,
                                timespan connect_timeout = timespan{0},
                                connect_notice notice = {});

} // namespace caf::monocoque
