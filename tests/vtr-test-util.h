#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* A fresh data folder for one test, removed afterwards. */
static inline char *
vtr_test_make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vitrine-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
vtr_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      vtr_test_remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}
