/* STUB */
#ifndef HALO_CORE_LOG_H
#define HALO_CORE_LOG_H
void log_stub(void);
#endif
