/* vtr-sanitizer.c: what the sanitized build needs to tell LeakSanitizer
 *
 * Copyright 2026 The Vitrine authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built only into the AddressSanitizer build (src/core/meson.build adds it
 * to every program of the project when b_sanitize has "address").
 *
 * GLib's quark table starts as a block of 2,048 pointers made by GLib's
 * own constructor. Each time a program passes another 2,048 quarks (every
 * screen of the app does), the table moves to a bigger block and the old
 * one is left for lock-free readers, never freed (gquark.c says so). The
 * sanitized suite records allocation stacks with the fast unwinder (ten
 * times faster than DWARF unwinding through GTK); GLib has no frame
 * pointers, so those blocks' stacks are only malloc and g_malloc, which no
 * suppression in tests/lsan.supp can name without hiding every leak.
 *
 * So GLib's pointer to its table is found before main, while it still
 * points at the first block, and every block it ever points at is kept in
 * a list here, where LeakSanitizer sees it is reachable: a hook on every
 * allocation compares one pointer.
 */

#define _GNU_SOURCE
#include <link.h>
#include <string.h>

#include <glib.h>

/* From the sanitizers' allocator interface (not in GCC 12's headers). */
int    __sanitizer_get_ownership (const volatile void *p);
size_t __sanitizer_get_allocated_size (const volatile void *p);
int    __sanitizer_install_malloc_and_free_hooks (void (*malloc_hook) (const volatile void *, size_t),
                                                  void (*free_hook) (const volatile void *));

#define QUARK_BLOCK_SIZE 2048

/* GLib's pointer to its current table, and every table it pointed at. */
static const void *const *quarks_slot;
static const void *quark_blocks[256];
static guint n_quark_blocks;
static const void *last_quark_block;
static GMutex quark_blocks_lock;

static int
find_quarks_slot (struct dl_phdr_info *info,
                  size_t               size,
                  void                *data)
{
  const char *first = data;

  (void) size;
  if (info->dlpi_name == NULL || strstr (info->dlpi_name, "/libglib-2.0.so") == NULL)
    return 0;

  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW(Phdr) *phdr = &info->dlpi_phdr[i];
      guintptr start = info->dlpi_addr + phdr->p_vaddr;
      const void *const *word;
      const void *const *end;

      if (phdr->p_type != PT_LOAD || (phdr->p_flags & PF_W) == 0)
        continue;
      word = (const void *const *) ((start + sizeof (void *) - 1) & ~(guintptr) (sizeof (void *) - 1));
      end = (const void *const *) (start + phdr->p_memsz);
      for (; word + 1 <= end; word++)
        {
          const void *block = *word;

          if (block != NULL
              && __sanitizer_get_ownership (block)
              && __sanitizer_get_allocated_size (block) == QUARK_BLOCK_SIZE * sizeof (char *)
              && ((const char *const *) block)[1] == first)
            {
              quarks_slot = word;
              return 1;
            }
        }
    }
  return 1;
}

static void
keep_quark_block (const void *block)
{
  g_mutex_lock (&quark_blocks_lock);
  if (block != last_quark_block && n_quark_blocks < G_N_ELEMENTS (quark_blocks))
    quark_blocks[n_quark_blocks++] = block;
  __atomic_store_n (&last_quark_block, block, __ATOMIC_RELEASE);
  g_mutex_unlock (&quark_blocks_lock);
}

/* On every allocation: has GLib moved to a new table? */
static void
on_malloc (const volatile void *ptr,
           size_t               size)
{
  const void *block = __atomic_load_n (quarks_slot, __ATOMIC_ACQUIRE);

  (void) ptr;
  (void) size;
  if (block != __atomic_load_n (&last_quark_block, __ATOMIC_ACQUIRE))
    keep_quark_block (block);
}

/* The sanitizers take a malloc hook only with a free hook. */
static void
on_free (const volatile void *ptr)
{
  (void) ptr;
}

__attribute__ ((constructor)) static void
vtr_sanitizer_init (void)
{
  const char *first = g_quark_to_string (1);

  /* Still GLib's first block: its constructor and GObject's registered
   * far fewer than 2,048 quarks. */
  if (first == NULL)
    return;
  dl_iterate_phdr (find_quarks_slot, (void *) first);
  if (quarks_slot == NULL)
    return;
  keep_quark_block (*quarks_slot);
  __sanitizer_install_malloc_and_free_hooks (on_malloc, on_free);
}
