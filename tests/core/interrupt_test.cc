#include "core/interrupt.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

namespace lmbench::core {
namespace {

// One test: the stop flag is process-wide and cannot be reset.
TEST(Interrupt, FirstSignalRequestsAStopAndWakesTheEventfd) {
  install_interrupt_handlers();
  EXPECT_FALSE(stop_requested());
  pollfd p{stop_eventfd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  ::raise(SIGTERM);
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), SIGTERM);
  EXPECT_EQ(::poll(&p, 1, 100), 1);
}

}  // namespace
}  // namespace lmbench::core
