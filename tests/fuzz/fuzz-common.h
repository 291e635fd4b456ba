/* Shared helpers for the libFuzzer targets in this directory.  Built only by
 * tests/fuzz/run-fuzz.sh (clang -fsanitize=fuzzer,address,undefined). */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A fixed installation key: the targets must be deterministic. */
#define FUZZ_ID_KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* Common start-up of the targets that need the installation key: criticals
 * become crashes, libsodium is ready, and the fixed key is parsed. */
#define FUZZ_SET_UP_ID_KEY(key)                                                                 \
  do                                                                                            \
    {                                                                                           \
      fuzz_fatal_criticals ();                                                                  \
      if (sodium_init () < 0 || !carrete_id_key_parse (FUZZ_ID_KEY_HEX, (key), NULL))           \
        g_error ("cannot set up the id key");                                                   \
    }                                                                                           \
  while (0)

/* The whole start-up of a target that needs nothing but fatal criticals
 * (fuzz_fatal_criticals): use at file scope, it defines
 * LLVMFuzzerInitialize. */
#define FUZZ_INITIALIZE_WITH_FATAL_CRITICALS()                                                     \
  int LLVMFuzzerInitialize (int *argc, char ***argv)                                               \
  {                                                                                                \
    fuzz_fatal_criticals ();                                                                       \
    return 0;                                                                                      \
  }

/* An invariant broke: say which, then crash so that libFuzzer keeps the
 * input. */
#define FUZZ_CHECK(cond)                                                                        \
  do                                                                                            \
    {                                                                                           \
      if (G_UNLIKELY (!(cond)))                                                                 \
        {                                                                                       \
          fprintf (stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);         \
          fflush (stderr);                                                                      \
          __builtin_trap ();                                                                    \
        }                                                                                       \
    }                                                                                           \
  while (0)

/* The input as a C string (it stops at the first NUL, as a caller's would). */
static inline char *
fuzz_strdup (const uint8_t *data, size_t size)
{
  char *text = g_malloc (size + 1);

  memcpy (text, data, size);
  text[size] = '\0';
  return text;
}

/* GLib criticals are programming errors (a g_return_if_fail that fired):
 * make them fatal, so that they count as crashes. */
static inline void
fuzz_fatal_criticals (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
}
