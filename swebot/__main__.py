import sys

from swebot.cli import main

sys.exit(main())
