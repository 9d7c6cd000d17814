// The PubSubHub's subscription index: sorted_prefix_table (bench/ only, the
// baseline) against prefix_trie (the library's) at 10 / 1 000 / 100 000
// prefixes and 1 / 100 / 10 000 subscribers. Per index:
//
// * match: a published topic that one prefix matches (topics cycle over
//   1 024 subscribed prefixes plus ".tick");
// * overlap: a topic that 26 nested prefixes ("z", "zz", "zz.", ...) match,
//   10 subscribers each (dedupe);
// * add: a fresh prefix subscribed and cancelled (entry made and dropped);
// * remove: an existing subscription cancelled and subscribed again.
//
// The indexes are built once per size (outside the timing). Times are CPU
// time per operation (the machine is shared).
//
//   build-rel/bin/bench-index --benchmark_min_time=0.05
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// (one command line; with repetitions the table shows medians).
//
// After the Google Benchmark output it prints the markdown table of
// docs/performance.md ("Subscription index").
#include "caf/monocoque/internal/subscription_index.hpp"
#include "sorted_prefix_table.hpp"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace caf::monocoque::detail;

const size_t prefix_counts[] = {10, 1000, 100000};
const size_t subscriber_counts[] = {1, 100, 10000};

// The topic of the overlap benchmark; each of its prefixes is subscribed.
const std::string overlap_topic = "zz.overlap.topic.name.tick";

// Returns prefix `n` of `count`: "<group>.<n>" with groups of varying
// length, zero-padded so that no prefix is a prefix of another.
std::string make_prefix(size_t n, const char* tag = "") {
  static const char* groups[] = {"md",     "orders",       "fx.spot",
                                 "trades", "marketdata.eq", "news",
                                 "ref",    "risk.limits"};
  char buf[64];
  snprintf(buf, sizeof(buf), "%s%s.%07zu", groups[n % 8], tag, n);
  return buf;
}

// Subscriptions: prefix i held by subscriber i % S; when there are more
// subscribers than prefixes, subscriber j >= P also holds prefix j % P. So
// every prefix has a holder and every subscriber a prefix.
// With `overlap`, adds the nested prefixes of `overlap_topic` too.
template <class Index>
std::unique_ptr<Index> make_index(size_t prefixes, size_t subscribers,
                                  bool overlap) {
  std::vector<std::pair<std::string, subscriber_id>> subs;
  for (size_t i = 0; i < prefixes; ++i)
    subs.emplace_back(make_prefix(i), i % subscribers);
  for (size_t j = prefixes; j < subscribers; ++j)
    subs.emplace_back(make_prefix(j % prefixes), j);
  // Sorted insertion keeps building the sorted table linear.
  std::sort(subs.begin(), subs.end());
  auto index = std::make_unique<Index>();
  for (auto& [prefix, who] : subs)
    index->add(prefix, who);
  for (size_t len = 1; overlap && len <= overlap_topic.size(); ++len)
    for (size_t r = 0; r < std::min<size_t>(subscribers, 10); ++r)
      index->add(overlap_topic.substr(0, len), (len * 7919 + r) % subscribers);
  return index;
}

template <class Index>
Index& cached_index(size_t prefixes, size_t subscribers, bool overlap) {
  using key = std::tuple<size_t, size_t, bool>;
  static std::map<key, std::unique_ptr<Index>> cache;
  auto& ptr = cache[key{prefixes, subscribers, overlap}];
  if (!ptr)
    ptr = make_index<Index>(prefixes, subscribers, overlap);
  return *ptr;
}

// -- benchmarks ---------------------------------------------------------------

template <class Index>
void bench_match(benchmark::State& state, size_t prefixes,
                 size_t subscribers) {
  auto& index = cached_index<Index>(prefixes, subscribers, false);
  std::vector<std::string> topics;
  std::mt19937 rng{42};
  for (size_t i = 0; i < 1024; ++i)
    topics.push_back(make_prefix(rng() % prefixes) + ".tick");
  std::vector<subscriber_id> out;
  size_t i = 0;
  for (auto _ : state) {
    index.match(topics[i++ & 1023], out);
    benchmark::DoNotOptimize(out.data());
  }
}

template <class Index>
void bench_overlap(benchmark::State& state, size_t prefixes,
                   size_t subscribers) {
  auto& index = cached_index<Index>(prefixes, subscribers, true);
  std::vector<subscriber_id> out;
  for (auto _ : state) {
    index.match(overlap_topic, out);
    benchmark::DoNotOptimize(out.data());
  }
}

// A fresh prefix subscribed and cancelled again (a new entry made and
// dropped); the index keeps its size.
template <class Index>
void bench_add(benchmark::State& state, size_t prefixes, size_t subscribers) {
  auto& index = cached_index<Index>(prefixes, subscribers, false);
  std::vector<std::string> fresh;
  for (size_t i = 0; i < 1024; ++i)
    fresh.push_back(make_prefix(i * 7919 % prefixes, "x"));
  size_t i = 0;
  for (auto _ : state) {
    auto& prefix = fresh[i++ & 1023];
    index.add(prefix, i % subscribers);
    index.remove(prefix, i % subscribers);
  }
}

// An existing subscription cancelled and subscribed again.
template <class Index>
void bench_remove(benchmark::State& state, size_t prefixes,
                  size_t subscribers) {
  auto& index = cached_index<Index>(prefixes, subscribers, false);
  std::vector<std::string> subs;
  for (size_t i = 0; i < 1024; ++i)
    subs.push_back(make_prefix(i * 7919 % prefixes));
  size_t i = 0;
  for (auto _ : state) {
    auto k = (i * 7919) % prefixes; // make_index: prefix k held by k % S
    auto& prefix = subs[i++ & 1023];
    index.remove(prefix, k % subscribers);
    index.add(prefix, k % subscribers);
  }
}

// -- the markdown table -------------------------------------------------------

// Keeps ns per operation of every run, by name.
class table_reporter : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    // With --benchmark_repetitions, the median (reported after the
    // repetitions) replaces them.
    for (auto& run : runs) {
      if (run.error_occurred
          || (run.run_type == Run::RT_Aggregate
              && run.aggregate_name != "median"))
        continue;
      // CPU time: the machine is shared, wall time counts the others.
      ns_[run.run_name.str()] = run.GetAdjustedCPUTime();
    }
  }

  void print_table() const {
    printf("\n| prefixes | subscribers | match sorted | match trie "
           "| overlap sorted | overlap trie | add+remove sorted "
           "| add+remove trie | remove+re-add sorted | remove+re-add trie |\n");
    printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (auto p : prefix_counts)
      for (auto s : subscriber_counts) {
        printf("| %zu | %zu", p, s);
        for (auto what : {"match", "overlap", "add", "remove"})
          for (auto impl : {"sorted", "trie"})
            printf(" | %s", cell(what, impl, p, s).c_str());
        printf(" |\n");
      }
  }

private:
  std::string cell(const char* what, const char* impl, size_t p,
                   size_t s) const {
    auto i = ns_.find(name(what, impl, p, s));
    if (i == ns_.end())
      return "";
    char buf[32];
    snprintf(buf, sizeof(buf), "%.0f", i->second);
    return buf;
  }

public:
  static std::string name(const char* what, const char* impl, size_t p,
                          size_t s) {
    return std::string{what} + "/" + impl + "/P:" + std::to_string(p)
           + "/S:" + std::to_string(s);
  }

private:
  std::map<std::string, double> ns_;
};

template <class Index>
void register_all(const char* impl) {
  for (auto p : prefix_counts)
    for (auto s : subscriber_counts) {
      auto reg = [&](const char* what, auto fn) {
        return benchmark::RegisterBenchmark(
          table_reporter::name(what, impl, p, s).c_str(),
          [fn, p, s](benchmark::State& st) { fn(st, p, s); });
      };
      reg("match", bench_match<Index>);
      reg("overlap", bench_overlap<Index>);
      reg("add", bench_add<Index>);
      reg("remove", bench_remove<Index>);
    }
}

// Returns whether both indexes, built as the benchmarks build them, give
// the same subscribers for the topics the benchmarks match (the baseline is
// not tested elsewhere: a comparison with a wrong baseline would mislead).
bool indexes_agree() {
  for (auto overlap : {false, true}) {
    auto sorted = make_index<sorted_prefix_table>(1000, 100, overlap);
    auto trie = make_index<prefix_trie>(1000, 100, overlap);
    std::vector<subscriber_id> x;
    std::vector<subscriber_id> y;
    for (size_t i = 0; i < 1000; ++i) {
      for (const auto& topic : {make_prefix(i) + ".tick", overlap_topic,
                                make_prefix(i).substr(0, i % 12)}) {
        sorted->match(topic, x);
        trie->match(topic, y);
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
        if (x != y) {
          fprintf(stderr, "bench-index: the indexes disagree on '%s'\n",
                  topic.c_str());
          return false;
        }
      }
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (!indexes_agree())
    return 1;
  register_all<sorted_prefix_table>("sorted");
  register_all<prefix_trie>("trie");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  table_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_table();
  benchmark::Shutdown();
  return 0;
}
