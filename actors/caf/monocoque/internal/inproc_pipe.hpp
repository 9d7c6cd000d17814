#pragma once

#include "caf/monocoque/internal/atoms.hpp"
#include "caf/monocoque/internal/zmtp_integrated_actor.hpp"

#include <caf/typed_actor.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <cstdint>
#include <string>

namespace caf::monocoque {

/// **InprocPipe**: one per `inproc://` connection, between two sockets of
/// one actor system. Each socket sees it as its connection (it speaks the
/// ZmtpIntegratedActor's interface towards both), so an inproc peer is a
/// peer like any other: a record with key and epoch in each socket's peer
/// table, monitors, credit, close and linger. What it does not do is ZMTP:
/// the multipart messages one socket hands it go to the other socket as
/// they are (their frames are refcounted buffers: no copy, no encoding).
///
/// Flow control mirrors a tcp connection without kernel buffers: the pipe
/// delivers to a socket only while fewer than its RCVHWM delivered messages
/// are unacknowledged by `(credit_atom, n)`, and holds the rest; it reports
/// `(peer_sent_atom, key, epoch, n)` to the writer once n of its messages
/// were delivered (in batches of a quarter of the writer's SNDHWM, as the
/// ZmtpIntegratedActor reports writes). So the writer's SNDHWM plus the
/// reader's RCVHWM bound the messages in flight, and a slow reader holds
/// the writer back.
///
/// Who talks to it: both sockets (`send`, `credit`, `close`; the bound one
/// also `(inproc_atom, key, epoch)` when it adopted the pipe), which it
/// monitors and holds weakly; its linger timer. It is spawned by the
/// connecting socket and comes up (`peer_up` to both sockets) once the
/// bound one adopted it. It exits when either socket closed it and what
/// that socket had sent was delivered (or its linger expired), or when
/// either socket went: both sockets then see the peer gone.
using inproc_pipe_actor = zmtp_integrated_actor::extend<
  reacts_to<inproc_atom, uint64_t, uint64_t>>;

/// One end of an inproc pipe: a socket and what its handshake would have
/// told the other one.
struct inproc_end {
  /// The socket (held weakly).
  weak_actor_ptr owner;
  /// Its key and epoch for this connection (the bound socket's are set
  /// when it adopts the pipe).
  uint64_t key = 0;
  /// See `key`.
  uint64_t epoch = 0;
  /// What this socket tells the other one: its socket type and identity.
  peer_info info;
  /// Its SNDHWM (write reports come in batches of a quarter of it).
  uint64_t sndhwm = 1000;
  /// Its RCVHWM (delivered, unacknowledged messages at most).
  uint64_t rcvhwm = 1000;
  /// How long what it sent is flushed after it closed or went (negative:
  /// until delivered).
  timespan linger{-1};
};

/// Spawns the pipe of `inproc://name` between `connector` and `binder`
/// (an ordinary actor on the scheduler: inproc needs no ring).
inproc_pipe_actor spawn_inproc_pipe(actor_system& sys, std::string name,
                                    inproc_end connector, inproc_end binder);

} // namespace caf::monocoque
