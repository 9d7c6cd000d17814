#include "events.hpp"

#include "sockets.hpp"

#include "caf/monocoque/all.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <chrono>
#include <unistd.h>

namespace mq = caf::monocoque;

namespace mqcat {

namespace {

// One write(2) per line: lines of several printers (and mqcat's own
// messages) never mix within a line.
void print_line(std::string line) {
  line += '\n';
  auto* data = line.data();
  auto left = line.size();
  while (left > 0) {
    auto n = ::write(STDERR_FILENO, data, left);
    if (n <= 0)
      return; // stderr is gone: nothing left to tell
    data += n;
    left -= static_cast<size_t>(n);
  }
}

caf::behavior printer(caf::event_based_actor* self, caf::actor_addr socket,
                      std::string side) {
  self->monitor(socket);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  return {
    [self, side](mq::event_atom, const mq::socket_event& ev) {
      print_line(event_line(ev, side));
      if (ev.type == mq::socket_event_type::monitor_stopped)
        self->quit();
    },
  };
}

} // namespace

std::string event_line(const mq::socket_event& ev, std::string_view side) {
  auto text = to_string(ev);
  if (!side.empty()) {
    // to_string gives `NAME ENDPOINT[ DETAIL]`: the side goes first in the
    // detail.
    auto head = to_string(ev.type).size() + 1
                + (ev.endpoint.empty() ? 1 : ev.endpoint.size());
    text.insert(std::min(head, text.size()), " side=" + std::string{side});
  }
  return "event " + text;
}

caf::actor watch_events(caf::actor_system& sys, caf::scoped_actor& self,
                        const caf::actor& socket, std::string side) {
  auto hdl = sys.spawn(printer, socket.address(), std::move(side));
  bool ok = false;
  self
    ->request(socket, std::chrono::seconds{5}, mq::monitor_atom::value, hdl,
              mq::all_socket_events)
    .receive([&](caf::ok_atom) { ok = true; },
             [&](caf::error& err) {
               complain(exit_failure,
                        "cannot watch events: " + sys.render(err));
             });
  if (ok)
    return hdl;
  self->send_exit(hdl, caf::exit_reason::user_shutdown);
  return {};
}

void await_printers(caf::scoped_actor& self,
                    const std::vector<caf::actor>& printers) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
  for (auto& hdl : printers) {
    if (!hdl)
      continue;
    self->monitor(hdl);
    bool gone = false;
    while (!gone) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left < decltype(left)::zero())
        left = decltype(left)::zero();
      self->receive(
        [&](caf::down_msg& dm) { gone = dm.source == hdl.address(); },
        caf::after(std::chrono::duration_cast<std::chrono::milliseconds>(left))
          >> [&] { gone = true; });
    }
  }
}

} // namespace mqcat
