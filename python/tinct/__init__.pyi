"""Type stubs of the tinct package (see tinct/__init__.py for the documentation)."""

from typing import Any, Iterable, Literal, Mapping, Optional, Union
import os

import numpy as np
import numpy.typing as npt

__version__: str

ArrayLike = npt.ArrayLike
Method = Literal["ciede2000", "cie76", "cie94", "cie94-textiles", "cmc", "cmc-1:1"]
Space = Literal["xyz", "xyy", "lab", "lch", "oklab", "oklch", "srgb", "linear-srgb"]
Illuminant = Literal["D65", "D50", "A", "F2", "F11", "LED-B3"]
Observer = Union[Literal[2, 10], str]

def delta_e(
    lab1: ArrayLike,
    lab2: ArrayLike,
    method: Method = "ciede2000",
    k_l: float = 1.0,
    k_c: float = 1.0,
    k_h: float = 1.0,
    cmc_l: Optional[float] = None,
    cmc_c: Optional[float] = None,
) -> npt.NDArray[np.float64]: ...
def convert(
    values: ArrayLike,
    source: Space,
    target: Space,
    illuminant: Illuminant = "D65",
    observer: Observer = 2,
) -> npt.NDArray[np.float64]: ...
def sd_to_lab(
    reflectance: ArrayLike,
    wavelengths: ArrayLike,
    illuminant: Illuminant = "D65",
    observer: Observer = 2,
) -> npt.NDArray[np.float64]: ...
def appear(
    request: Optional[Mapping[str, Any]] = None,
    *,
    catalog: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]] = (),
    **fields: Any,
) -> dict[str, Any]: ...
def optics(
    medium: Union[str, os.PathLike],
    *,
    method: Literal["fast", "monte-carlo"] = "fast",
    photons: int = 20000,
    seed: int = 1,
    illuminant: Illuminant = "D65",
    observer: Observer = 2,
) -> dict[str, Any]: ...
def match(
    request: Optional[Mapping[str, Any]] = None,
    *,
    catalog: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]] = (),
    **fields: Any,
) -> dict[str, Any]: ...
def plan(
    request: Optional[Mapping[str, Any]] = None,
    *,
    catalog: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]] = (),
    **fields: Any,
) -> dict[str, Any]: ...
def fade(
    request: Optional[Mapping[str, Any]] = None,
    *,
    catalog: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]] = (),
    **fields: Any,
) -> dict[str, Any]: ...
def schedule(
    request: Optional[Mapping[str, Any]] = None,
    *,
    catalog: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]] = (),
    **fields: Any,
) -> dict[str, Any]: ...
def report(
    request: Optional[Mapping[str, Any]] = None,
    *,
    catalog: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]] = (),
    **fields: Any,
) -> str: ...
def fit(
    data: Any,  # a path (CSV or Parquet), a polars or a pandas DataFrame
    *,
    id: str = "series",
    time: str = "day",
    value: str = "amount",
    dose: Optional[str] = None,
    model: Literal["mono", "biexp", "biexp-dose", "auto"] = "biexp",
    pooled: bool = False,
    bootstrap: int = 0,
    seed: int = 7,
) -> Any: ...  # a polars DataFrame
