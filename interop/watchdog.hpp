#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

namespace interop {

/// Aborts the process, naming `what`, unless destroyed within `limit`. For
/// waits that no timeout can bound, such as `~actor_system`: CAF 0.17 waits
/// in it for the logger, which the creating thread references through a
/// thread-local, so a system must be destroyed on the thread that created
/// it and cannot be handed to a helper thread with a timed join.
class watchdog {
public:
  watchdog(std::string what, std::chrono::milliseconds limit)
      : thread_([this, what = std::move(what), limit] {
          std::unique_lock<std::mutex> guard{mtx_};
          if (!cv_.wait_for(guard, limit, [this] { return done_; })) {
            std::cerr << "\n!! watchdog: " << what << " did not finish within "
                      << limit.count() << " ms\n"
                      << std::flush;
            std::abort();
          }
        }) {
    // nop
  }

  ~watchdog() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

} // namespace interop
