// OpenBLAS's CBLAS interface (Debian: libopenblas-dev installs it as the default cblas.h).
#include <cblas.h>
