#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, and its encoding.h then includes ICU's
   headers, which clash with Foundation's private ICU module. Nothing here
   needs libxml2's ICU converters. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
