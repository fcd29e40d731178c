"""One tagged PDF from WeasyPrint's parts, written as it is read: the merge's memory is that of
one part, whatever the number of pages.

Merging with pikepdf (`Pdf.pages.extend`, `copy_foreign`) keeps every copied object parsed in
the target until it is saved: about 1.8 kB an object, 300 objects a page of the programme (its
structure elements above all), 0.58 MB a page, 600 MB for the whole programme. Here each part is
opened in turn, its objects reachable from its pages, its structure elements and its parent
tree are written at once under new numbers, then the part is closed; what is kept is a number per
object (its offset), the pages, the structure tree's top elements and the parent tree's entries.
The front (cover and contents) gives the catalog, the metadata and the `Document` element under
which every part's elements are put; the parent tree's keys of each part follow those before it.

It reads what WeasyPrint writes: one flat page tree, no attribute inherited from it, a parent
tree of one `/Nums` array, one `Document` element at the top of the structure tree.
"""

import uuid
from array import array
from decimal import Decimal
from pathlib import Path

import pikepdf

#: Page attributes a page may inherit from its page tree: the pages are put under a new one.
INHERITED = {"/Resources", "/MediaBox", "/CropBox", "/Rotate"}


class _Writer:
    """A PDF file written object by object, with a classic cross-reference table."""

    def __init__(self, file):
        self.file = file
        self.offsets = array("Q", [0])  # by object number; 0 = reserved, not yet written
        file.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.file.tell()
        self.file.write(b"%d 0 obj\n" % number)
        self.file.write(body)
        if stream is not None:
            self.file.write(b"\nstream\n")
            self.file.write(stream)
            self.file.write(b"\nendstream")
        self.file.write(b"\nendobj\n")

    def close(self, root: int, info: int | None) -> None:
        missing = [number for number, offset in enumerate(self.offsets) if not offset][1:]
        if missing:
            raise ValueError(f"objects reserved but not written: {missing[:10]}")
        start = self.file.tell()
        self.file.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets))
        for offset in self.offsets[1:]:
            self.file.write(b"%010d 00000 n \n" % offset)
        identifier = uuid.uuid4().hex.encode()
        self.file.write(b"trailer\n<< /Size %d /Root %d 0 R" % (len(self.offsets), root))
        if info is not None:
            self.file.write(b" /Info %d 0 R" % info)
        self.file.write(
            b" /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (identifier, identifier, start)
        )


def ref(number: int) -> bytes:
    return b"%d 0 R" % number


class _Source:
    """The objects of one input file: each gets a new number when first referred to, and is
    written by `flush`. `fixed` maps objects replaced in the output (the page tree, the
    structure tree's root and `Document` element) to their new numbers, never written from
    here. The parent tree's keys (`/StructParent`, `/StructParents`) are moved by `offset`."""

    def __init__(self, writer: _Writer, fixed: dict, offset: int = 0):
        self.writer = writer
        self.numbers = dict(fixed)
        self.offset = offset
        self.queue: list[pikepdf.Object] = []

    def number(self, obj: pikepdf.Object) -> int:
        objgen = obj.objgen
        number = self.numbers.get(objgen)
        if number is None:
            number = self.numbers[objgen] = self.writer.reserve()
            self.queue.append(obj)
        return number

    def flush(self) -> None:
        while self.queue:
            obj = self.queue.pop()
            number = self.numbers[obj.objgen]
            if isinstance(obj, pikepdf.Stream):
                data = obj.read_raw_bytes()
                body = self.dictionary(obj, {"/Length": b"%d" % len(data)})
                self.writer.write(number, body, data)
            else:
                self.writer.write(number, self.value(obj, top=True))

    def dictionary(self, obj: pikepdf.Object, replaced: dict[str, bytes] | None = None) -> bytes:
        replaced = replaced or {}
        items = []
        for key in obj.keys():  # noqa: SIM118 - a pikepdf dictionary
            if key in replaced:
                continue
            value = obj[key]
            if key in ("/StructParent", "/StructParents") and self.offset:
                value = int(value) + self.offset
            items.append(pikepdf.Name(key).unparse() + b" " + self.value(value))
        items.extend(pikepdf.Name(key).unparse() + b" " + body for key, body in replaced.items())
        return b"<<" + b" ".join(items) + b">>"

    def value(self, value, *, top: bool = False) -> bytes:
        if isinstance(value, bool):
            return b"true" if value else b"false"
        if isinstance(value, int):
            return b"%d" % value
        if isinstance(value, Decimal):
            return format(value, "f").encode()
        if value is None:
            return b"null"
        if not top and value.is_indirect:
            return ref(self.number(value))
        if isinstance(value, pikepdf.Dictionary):
            return self.dictionary(value)
        if isinstance(value, pikepdf.Array):
            return b"[" + b" ".join(self.value(item) for item in value) + b"]"
        if isinstance(value, pikepdf.Stream):
            raise ValueError("a direct stream")
        return value.unparse()


def _check_page_tree(pdf: pikepdf.Pdf) -> None:
    tree = pdf.Root.Pages
    if INHERITED & set(tree.keys()) or any(
        page.obj.Parent.objgen != tree.objgen for page in pdf.pages
    ):
        raise ValueError("not a flat page tree without inherited attributes")


def merge_parts(front: Path, parts: list[Path], target: Path, *, outline) -> int:
    """One tagged PDF from the front and the parts: their pages, their structure trees under
    the front's `Document` element (the parent tree renumbered), one bookmark per day
    (`outline`: titles and pages from 0). Returns the number of pages."""
    with open(target, "wb") as file, pikepdf.open(front) as head:
        out = _Writer(file)
        catalog, page_tree, struct_root, parent_tree, outlines, document = (
            out.reserve() for _ in range(6)
        )
        pages: list[int] = []
        kids: list[int] = []  # the elements under `Document`
        nums: list[tuple[int, int]] = []  # the parent tree's keys and their objects
        next_key = 0
        for index, path in enumerate([front, *parts]):
            pdf = head if index == 0 else pikepdf.open(path)
            try:
                _check_page_tree(pdf)
                root = pdf.Root.StructTreeRoot
                top = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
                source = _Source(
                    out,
                    {
                        pdf.Root.Pages.objgen: page_tree,
                        root.objgen: struct_root,
                        top.objgen: document,
                    },
                    offset=next_key,
                )
                pages.extend(source.number(page.obj) for page in pdf.pages)
                elements = top.K if isinstance(top.K, pikepdf.Array) else [top.K]
                kids.extend(source.number(element) for element in elements)
                part_nums = root.ParentTree.Nums
                for i in range(0, len(part_nums), 2):
                    key, value = int(part_nums[i]) + next_key, part_nums[i + 1]
                    if value.is_indirect:
                        nums.append((key, source.number(value)))
                    else:
                        number = out.reserve()
                        out.write(number, source.value(value))
                        nums.append((key, number))
                next_key = max([key + 1 for key, _ in nums] + [next_key])
                source.flush()
                if index == 0:
                    head_source = source  # its numbers, for the catalog written last
            finally:
                if index:
                    pdf.close()
        source = head_source
        head_root = head.Root.StructTreeRoot
        head_document = head_root.K[0] if isinstance(head_root.K, pikepdf.Array) else head_root.K
        out.write(
            document,
            source.dictionary(
                head_document,
                {"/P": ref(struct_root), "/K": b"[" + b" ".join(map(ref, kids)) + b"]"},
            ),
        )
        out.write(
            struct_root,
            source.dictionary(
                head_root,
                {
                    "/K": b"[" + ref(document) + b"]",
                    "/ParentTree": ref(parent_tree),
                    "/ParentTreeNextKey": b"%d" % next_key,
                },
            ),
        )
        out.write(
            parent_tree,
            b"<</Nums [" + b" ".join(b"%d %s" % (key, ref(n)) for key, n in nums) + b"]>>",
        )
        out.write(
            page_tree,
            b"<</Type /Pages /Count %d /Kids [" % len(pages) + b" ".join(map(ref, pages)) + b"]>>",
        )
        _write_outline(out, outlines, outline, pages)
        out.write(
            catalog,
            source.dictionary(
                head.Root,
                {
                    "/Pages": ref(page_tree),
                    "/StructTreeRoot": ref(struct_root),
                    "/Outlines": ref(outlines),
                },
            ),
        )
        info = source.number(head.trailer.Info) if "/Info" in head.trailer else None
        source.flush()
        out.close(catalog, info)
        return len(pages)


def _write_outline(out: _Writer, outlines: int, outline, pages: list[int]) -> None:
    """One bookmark a day, to its first page."""
    items = [out.reserve() for _ in outline]
    for i, (number, (title, page)) in enumerate(zip(items, outline, strict=True)):
        links = [b"/Parent " + ref(outlines)]
        if i:
            links.append(b"/Prev " + ref(items[i - 1]))
        if i + 1 < len(items):
            links.append(b"/Next " + ref(items[i + 1]))
        body = b"<</Title %s /Dest [%s /Fit] %s>>" % (
            pikepdf.String(title).unparse(),
            ref(pages[page]),
            b" ".join(links),
        )
        out.write(number, body)
    if items:
        out.write(
            outlines,
            b"<</Type /Outlines /First %s /Last %s /Count %d>>"
            % (ref(items[0]), ref(items[-1]), len(items)),
        )
    else:
        out.write(outlines, b"<</Type /Outlines /Count 0>>")
