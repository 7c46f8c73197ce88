#include "router/xxh64.h"

#include <xxhash.h>

namespace lmbench::router {

std::uint64_t xxh64(std::string_view data, std::uint64_t seed) { return XXH64(data.data(), data.size(), seed); }

}  // namespace lmbench::router
