import pathlib
import sys

# checks/lib holds the shared test helpers; it is not an installed package.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
