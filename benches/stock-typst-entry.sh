# Sourced by the benches that run stock Typst beside kttdv: `stock_entry
# <kind>` makes, in "$work", a copy of kttdv's templates with an entry for
# the kind (`t/<kind>.typ`, reading the view at /data.json, which the bench
# writes with `kttdv render <kind> --template-data -o "$work/t/data.json"`)
# and `stock.py`, which compiles it with typst-py into "$work/stock.pdf":
# untagged, with kttdv's fonts only. Needs $work and $root.
stock_entry() {
  local kind=$1
  cp -r "$root/form-templates" "$work/t"
  printf '#import "forms/%s.typ": form\n#form(json("/data.json"))\n' "$kind" >"$work/t/$kind.typ"
  # kttdv supplies the data a PDF carries there; a plain PDF carries none.
  : >"$work/t/attachment.json"
  cat >"$work/stock.py" <<PY
import typst
typst.compile("$work/t/$kind.typ", output="$work/stock.pdf", root="$work/t",
              font_paths=["$root/fonts"], ignore_system_fonts=True, pdf_tags=False)
PY
}
