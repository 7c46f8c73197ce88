#pragma once
// XXH64 (Yann Collet's xxHash, 64-bit variant) from Debian's libxxhash. The prefix-aware policy
// hashes 128-character prompt chunks with it, as production-stack does with the `xxhash` package,
// and the session ring places its points with it.

#include <cstdint>
#include <string_view>

namespace lmbench::router {

std::uint64_t xxh64(std::string_view data, std::uint64_t seed = 0);

}  // namespace lmbench::router
