// Preloaded into a real lmbench process by a test (LD_PRELOAD): pins the process to one CPU and
// starts a thread that spins on it for as long as the process lives, as a client process's own
// busy thread would (a tokenizer pool, a logger gone wrong). The load thread then shares that
// CPU, and the run's validity must say the client's CPU, not the server, set the pace.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

static void* spin(void* arg) {
  (void)arg;
  for (volatile unsigned long n = 0;; ++n) {
  }
  return 0;
}

__attribute__((constructor)) static void start_busy_thread(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return;
  int first = 0;
  while (first < CPU_SETSIZE && !CPU_ISSET(first, &set)) ++first;
  CPU_ZERO(&set);
  CPU_SET(first, &set);
  sched_setaffinity(0, sizeof set, &set);  // the main thread; threads started later inherit it
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &attr, spin, 0);
  pthread_attr_destroy(&attr);
}
