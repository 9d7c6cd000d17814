#include "caf/monocoque/internal/inproc_registry.hpp"

#include "caf/monocoque/errc.hpp"

#include <algorithm>

namespace caf::monocoque::detail {

expected<std::vector<inproc_waiter>>
inproc_registry::bind(const std::string& name, inproc_binder binder) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& e = names_[name];
  // A socket that goes forgets its names when its state is destroyed (at
  // its exit: `stateful_actor::on_exit`). No handle is upgraded here: the
  // last strong reference released under the lock would run that
  // destructor, and it calls `forget`.
  if (e.binder)
    return make_error(errc::address_in_use, "inproc://" + name
                                              + " is bound already");
  e.binder = std::move(binder);
  std::vector<inproc_waiter> result;
  result.swap(e.waiters);
  return result;
}

void inproc_registry::unbind(const std::string& name,
                             const actor_addr& owner) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = names_.find(name);
  if (i == names_.end() || !i->second.binder
      || i->second.binder->addr != owner)
    return;
  i->second.binder.reset();
  if (i->second.waiters.empty())
    names_.erase(i);
}

std::optional<inproc_binder>
inproc_registry::find_or_wait(const std::string& name,
                              const inproc_waiter& waiter) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& e = names_[name];
  if (e.binder)
    return e.binder;
  auto same = [&](const inproc_waiter& w) {
    return w.addr == waiter.addr && w.key == waiter.key;
  };
  if (std::none_of(e.waiters.begin(), e.waiters.end(), same))
    e.waiters.push_back(waiter);
  return std::nullopt;
}

void inproc_registry::forget(const actor_addr& owner) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto i = names_.begin(); i != names_.end();) {
    auto& e = i->second;
    if (e.binder && e.binder->addr == owner)
      e.binder.reset();
    e.waiters.erase(std::remove_if(e.waiters.begin(), e.waiters.end(),
                                   [&](const inproc_waiter& w) {
                                     return w.addr == owner;
                                   }),
                    e.waiters.end());
    if (!e.binder && e.waiters.empty())
      i = names_.erase(i);
    else
      ++i;
  }
}

void inproc_registry::forget_wait(const actor_addr& owner, uint64_t key) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto i = names_.begin(); i != names_.end();) {
    auto& e = i->second;
    e.waiters.erase(std::remove_if(e.waiters.begin(), e.waiters.end(),
                                   [&](const inproc_waiter& w) {
                                     return w.addr == owner && w.key == key;
                                   }),
                    e.waiters.end());
    if (!e.binder && e.waiters.empty())
      i = names_.erase(i);
    else
      ++i;
  }
}

size_t inproc_registry::bound() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return static_cast<size_t>(
    std::count_if(names_.begin(), names_.end(),
                  [](auto& kv) { return kv.second.binder.has_value(); }));
}

} // namespace caf::monocoque::detail
