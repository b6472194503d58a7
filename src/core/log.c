#include "core/log.h"
void log_stub(void) {}
