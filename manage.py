#!/usr/bin/env python
"""Same as the ``iccity`` command, for people used to Django."""
from iccity.__main__ import main

if __name__ == "__main__":
    main()
