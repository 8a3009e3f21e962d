// zlib, for reading gzip-compressed corpus files (Debian: zlib1g-dev).
#include <zlib.h>
