#include "config.h"

#include "vtr-symbol.h"

const char *
vtr_symbology_to_string (VtrSymbology symbology)
{
  static const char * const names[] = { "qr", "ean-13", "ean-8", "upc-a", "upc-e", "code-128" };

  g_return_val_if_fail (symbology <= VTR_SYMBOLOGY_CODE128, NULL);
  return names[symbology];
}

VtrSymbol *
vtr_symbol_copy (const VtrSymbol *code)
{
  VtrSymbol *copy = g_memdup2 (code, sizeof *code);

  copy->text = g_strdup (code->text);
  copy->raw = code->raw ? g_bytes_ref (code->raw) : NULL;
  return copy;
}

void
vtr_symbol_free (VtrSymbol *code)
{
  if (code == NULL)
    return;
  g_free (code->text);
  g_clear_pointer (&code->raw, g_bytes_unref);
  g_free (code);
}
