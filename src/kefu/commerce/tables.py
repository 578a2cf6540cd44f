"""Reading a platform export (.xlsx, or .csv in UTF-8 or GBK/GB18030, detected) into row dicts
keyed by our column names; Chinese headers of the common platform exports are understood."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from kefu.core.errors import Invalid

HEADERS = {
    "order_id": ("order_id", "order_no", "订单编号", "订单号"),
    "buyer_id": ("buyer_id", "买家会员名", "买家账号", "买家id"),
    "buyer_name": ("buyer_name", "收货人姓名", "收货人", "买家姓名"),
    "phone": ("phone", "联系手机", "手机", "电话"),
    "amount": ("amount", "买家实际支付金额", "订单金额", "金额", "总金额"),
    "placed_at": ("placed_at", "订单创建时间", "下单时间", "创建时间"),
    "paid_at": ("paid_at", "订单付款时间", "付款时间", "支付时间"),
    "shipped_at": ("shipped_at", "发货时间"),
    "delivered_at": ("delivered_at", "签收时间", "确认收货时间"),
    "closed_at": ("closed_at", "关闭时间", "订单关闭时间"),
    "courier": ("courier", "物流公司", "快递公司"),
    "tracking_no": ("tracking_no", "物流单号", "运单号", "快递单号"),
    "warehouse_city": ("warehouse_city", "发货仓", "仓库城市", "发货城市"),
    "buyer_online": ("buyer_online", "旺旺在线", "买家在线"),
    "status_at": ("status_at", "更新时间", "修改时间"),
    "lines": ("lines", "宝贝标题", "商品标题", "商品"),
    "brand": ("brand", "品牌", "品牌名称"),
    "sent": ("sent", "已催付"),
}
_ALIASES = {alias.lower(): key for key, aliases in HEADERS.items() for alias in aliases}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid(_("The file is neither UTF-8 nor GBK text.")) from None


def _key(header) -> str:
    text = str(header or "").strip().lstrip("\ufeff")
    return _ALIASES.get(text.lower(), text)


def read_rows(data: bytes, filename: str) -> list[dict]:
    """The file's rows as dicts (header → cell text; empty cells are "")."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise Invalid(_("The file is not an Excel workbook (.xlsx).")) from None
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return []
        keys = [_key(h) for h in header]
        out = []
        for values in rows:
            if values is None or all(v in (None, "") for v in values):
                continue
            out.append({k: "" if v is None else v for k, v in zip(keys, values, strict=False)})
        return out
    if suffix in (".csv", ".txt", ""):
        reader = csv.reader(io.StringIO(decode(data)))
        header = next(reader, None)
        if header is None:
            return []
        keys = [_key(h) for h in header]
        return [
            dict(zip(keys, (c.strip() for c in row), strict=False))
            for row in reader
            if any(c.strip() for c in row)
        ]
    raise Invalid(_("Import a .xlsx or .csv file."))
