#include "config.h"

#include "vtr-phone.h"

#include <string.h>

/*
 * The customer's phone, for the text message that says an order is
 * ready: the hub's SMS gateways reach French mobiles only, so an order
 * takes a number of one (06 or 07, or +33 6 / +33 7), written as people
 * do, with spaces, dots or dashes, and the gateway gets it in E.164.
 */

/**
 * vtr_phone_french_mobile:
 * @text: a phone number as typed: "06 12 34 56 78", "06.12.34.56.78",
 *   "+33 6 12 34 56 78", "0033612345678"
 *
 * Returns: (transfer full) (nullable): the number in E.164
 * ("+33612345678"), or %NULL when @text is not a French mobile number.
 */
char *
vtr_phone_french_mobile (const char *text)
{
  char digits[32];
  gsize n = 0;
  const char *national;

  if (text == NULL)
    return NULL;
  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          if (n + 1 >= sizeof digits)
            return NULL;
          digits[n++] = *p;
        }
      else if (*p == '+' && n == 0 && p == text + strspn (text, " "))
        {
          /* "+33…": written as the international prefix 00. */
          digits[n++] = '0';
          digits[n++] = '0';
        }
      else if (*p != ' ' && *p != '.' && *p != '-')
        return NULL;
    }
  digits[n] = '\0';

  if (n == 13 && g_str_has_prefix (digits, "0033"))
    national = digits + 4;
  else if (n == 10 && digits[0] == '0' && digits[1] != '0')
    national = digits + 1;
  else
    return NULL;
  if (national[0] != '6' && national[0] != '7')
    return NULL;
  return g_strconcat ("+33", national, NULL);
}
