"""Stage 5, the packet: exhibit plan and page map (`plan`), pages packetgen draws (`pages`), merge and stamps
(`assemble`), atomic owner-only output (`output`), filing instructions (`instructions`) and the independent
re-read (`verify`)."""
