#ifndef CYAML_SHIM_H
#define CYAML_SHIM_H
/* libyaml is imported as is: its parser, events, marks (line/column) and document
   nodes are plain C structs and functions Swift calls directly. */
#include <yaml.h>
#endif
