#!/usr/bin/env nextflow
/*
 * lenall-genomics: B-ALL after lenalidomide-treated myeloma.
 * One process per `lenall` step (modules/local/); per-sample fan-out, cohort fan-in.
 * The published layout equals `lenall run --outdir`: samples/<sample>/, cohort/, pipeline_info/.
 */
nextflow.enable.dsl = 2

include { validateParameters; samplesheetToList } from 'plugin/nf-schema'

include { DEMO       } from './modules/local/demo'
include { VARIANTS   } from './modules/local/variants'
include { FUSIONS    } from './modules/local/fusions'
include { COPYNUMBER } from './modules/local/copynumber'
include { PLOIDY     } from './modules/local/ploidy'
include { CLONOTYPES } from './modules/local/clonotypes'
include { COHORT     } from './modules/local/cohort'
include { ONCOPRINT  } from './modules/local/oncoprint'
include { CLONALITY  } from './modules/local/clonality'
include { EXPORT     } from './modules/local/export'
include { REPORT     } from './modules/local/report'

// Gathered files are passed sorted by name: the order tasks finish in is not the same between
// runs, and an input list in another order is another task hash (-resume would re-run the step).
def BY_NAME = { a, b -> a.name <=> b.name }

def TUMOUR_DIAGNOSES = ['MM', 'B-ALL', 'BALLLP']
// Samplesheet columns whose files a per-sample process reads (its declared input).
def PER_SAMPLE_COLUMNS = ['vcf', 'maf', 'fusions', 'segments', 'clonotypes']

// Relative paths in the samplesheet are relative to the samplesheet's folder.
def resolveInput(sheetDir, String value) {
    value =~ /^[A-Za-z][A-Za-z0-9+.-]*:\/\// ? file(value) : sheetDir.resolve(value)
}

// Columns whose cells name a file: those assets/schema_input.json marks `format: file-path`
// (a new file column is staged by marking it there). Panel columns may hold a panel id instead.
def samplesheetFileColumns() {
    def schema = new groovy.json.JsonSlurper().parseText(file("${projectDir}/assets/schema_input.json").text)
    schema.items.properties.findAll { name, spec -> spec.format == 'file-path' }.keySet() as List
}

def knownPanels() {
    files("${projectDir}/assets/panels/*.tsv").collect { panel -> panel.baseName }
}

def csvCell(String value) {
    value =~ /[",\r\n]/ ? '"' + value.replace('"', '""') + '"' : value
}

def md5(String text) {
    java.security.MessageDigest.getInstance('MD5').digest(text.getBytes('UTF-8')).encodeHex().toString()
}

/*
 * The samplesheet the cohort processes read, and the files staged beside it. Every file cell is
 * rewritten to the name it has in the task folder (inputs/<file name>). Panel files and any other
 * table a cohort step reads through the samplesheet are staged there; the data files a per-sample
 * process reads keep their name only, as the cohort steps look at whether a sample has one and
 * at its name, never at its content. A file named in the samplesheet must exist: the error names
 * the row and column before any process runs.
 */
def cohortSamplesheet(sheet, List perSampleColumns) {
    def lines = sheet.splitCsv(header: false, strip: true).findAll { cells -> cells.any { cell -> cell } }
    if (!lines) {
        error "samplesheet ${sheet} is empty"
    }
    def header = lines[0].collect { name -> name.replaceFirst('^\uFEFF', '') }
    def fileColumns = samplesheetFileColumns()
    def panels = knownPanels()
    def staged = [:] // staged name -> file
    def rows = []
    lines.drop(1).eachWithIndex { cells, index ->
        def row = []
        cells.eachWithIndex { value, column ->
            def name = column < header.size() ? header[column] : ''
            if (!value || !(name in fileColumns) || value in panels) {
                row << (value ?: '')
                return
            }
            def path = resolveInput(sheet.parent, value)
            if (!path.exists()) {
                error "samplesheet ${sheet}, row ${index + 1}, column ${name}: file ${path} does not exist (hint: relative paths are read from the samplesheet's folder)"
            }
            def stagedName = "inputs/${path.name}"
            if (staged.containsKey(stagedName) && staged[stagedName] != path) {
                error "samplesheet ${sheet}, row ${index + 1}, column ${name}: ${path} and ${staged[stagedName]} have the same file name (hint: rename one; files are staged by name)"
            }
            if (!(name in perSampleColumns)) {
                staged[stagedName] = path
            }
            row << stagedName
        }
        rows << row
    }
    def text = ([header] + rows).collect { cells -> cells.collect { cell -> csvCell(cell) }.join(',') }.join('\n') + '\n'
    // named by its content, so that an unchanged samplesheet keeps the cohort tasks cached (-resume)
    def copy = file("${workflow.workDir}/lenall-samplesheets/${md5(text)}/${sheet.name}")
    if (!copy.exists()) {
        copy.parent.mkdirs()
        copy.text = text
    }
    [copy, staged.values() as List]
}

// The clonality figures the run before published (each <patient>.svg|png with its hidden
// .<patient>.figure.json record), or [] on a first run: CLONALITY copies those that still show
// the same thing (by content hash) instead of drawing them.
def previousClonalityFigures() {
    def folder = file("${params.outdir}/cohort/clonality")
    folder.isDirectory() ? files("${folder}/*", hidden: true).findAll { f -> f.isFile() }.sort { f -> f.name } : []
}

// A reference given by its param, or [] (no file) when the param is not set.
def reference(String name) {
    params[name] ? file(params[name], checkIfExists: true) : []
}

// <fasta>.fai, and <fasta>.gzi for a bgzipped FASTA, beside the FASTA.
def fastaIndexes(fasta) {
    if (!fasta) {
        return []
    }
    def suffixes = fasta.name.endsWith('.gz') ? ['.fai', '.gzi'] : ['.fai']
    def indexes = suffixes.collect { suffix -> fasta.resolveSibling(fasta.name + suffix) }
    indexes.each { index ->
        if (!index.exists()) {
            error "--fasta ${params.fasta}: index ${index} not found (hint: samtools faidx ${fasta.name})"
        }
    }
    indexes
}

// <vcf>.tbi or <vcf>.csi beside a sites VCF (population AF, panel of normals).
def vcfIndex(String name, vcf) {
    if (!vcf) {
        return []
    }
    def index = ['.tbi', '.csi'].collect { suffix -> vcf.resolveSibling(vcf.name + suffix) }.find { path -> path.exists() }
    if (!index) {
        error "--${name} ${params[name]}: no index ${vcf.name}.tbi or ${vcf.name}.csi beside it (hint: bgzip it, then tabix -p vcf ${vcf.name})"
    }
    index
}

def sampleMeta(Map row) {
    [
        patient        : row.patient,
        sample         : row.sample,
        diagnosis      : row.diagnosis,
        sex            : row.sex ?: '',
        normal         : row.normal ?: '',
        purity         : row.purity ?: '',
        fusion_format  : row.fusion_format ?: '',
        segments_format: row.segments_format ?: '',
        calls          : row.vcf ? 'vcf' : 'maf',
    ]
}

workflow LENALL {
    take:
    samplesheet // channel: one samplesheet.csv
    staging     // channel: [the samplesheet cohort processes read, the files staged beside it]

    main:
    gtf = reference('gtf')
    fasta = reference('fasta')
    population_vcf = reference('population_vcf')
    pon = reference('pon')
    rows_file = reference('rows')
    findings_file = reference('findings')

    rows = samplesheet.flatMap { sheet ->
        sheet.splitCsv(header: true, strip: true).collect { row -> [row, sheet.parent] }
    }
    tumours = rows.filter { row, dir -> row.diagnosis in TUMOUR_DIAGNOSES }
    cohort_sheet = staging.map { sheet, files -> sheet }
    sheet_files = staging.map { sheet, files -> files }

    VARIANTS(tumours.filter { row, dir -> row.vcf || row.maf }
            .map { row, dir -> [sampleMeta(row), resolveInput(dir, row.vcf ?: row.maf)] },
        gtf, fasta, fastaIndexes(fasta), population_vcf, vcfIndex('population_vcf', population_vcf),
        pon, vcfIndex('pon', pon))
    FUSIONS(tumours.filter { row, dir -> row.fusions }
        .map { row, dir -> [sampleMeta(row), resolveInput(dir, row.fusions)] })
    COPYNUMBER(tumours.filter { row, dir -> row.segments }
        .map { row, dir -> [sampleMeta(row), resolveInput(dir, row.segments)] })
    PLOIDY(COPYNUMBER.out.segments)
    CLONOTYPES(tumours.filter { row, dir -> row.clonotypes }
        .map { row, dir -> [sampleMeta(row), resolveInput(dir, row.clonotypes)] })

    results = VARIANTS.out.tsv
        .mix(VARIANTS.out.maf, VARIANTS.out.qc, FUSIONS.out.tsv, FUSIONS.out.qc,
             COPYNUMBER.out.segments, COPYNUMBER.out.events, COPYNUMBER.out.qc, PLOIDY.out.json,
             PLOIDY.out.plots, CLONOTYPES.out.tsv, CLONOTYPES.out.qc)
        .flatMap { meta, files -> files instanceof List ? files : [files] }
        .toSortedList(BY_NAME)

    COHORT(cohort_sheet, sheet_files, results, rows_file, findings_file)
    cohort_tables = COHORT.out.alterations
        .mix(COHORT.out.evaluability, COHORT.out.frequencies, COHORT.out.ploidy,
             COHORT.out.subtypes)
        .toSortedList(BY_NAME)
    ONCOPRINT(cohort_sheet, sheet_files, cohort_tables, rows_file)
    CLONALITY(cohort_sheet, sheet_files, results, previousClonalityFigures())
    EXPORT(cohort_sheet, sheet_files, results, cohort_tables)
    REPORT(cohort_sheet, sheet_files, results,
        cohort_tables
            .mix(COHORT.out.qc, ONCOPRINT.out.plots.flatten(), CLONALITY.out.tsv,
                 CLONALITY.out.evidence, CLONALITY.out.qc, CLONALITY.out.plots)
            .toSortedList(BY_NAME))

    VARIANTS.out.versions
        .mix(FUSIONS.out.versions, COPYNUMBER.out.versions, PLOIDY.out.versions,
             CLONOTYPES.out.versions, COHORT.out.versions, ONCOPRINT.out.versions,
             CLONALITY.out.versions, EXPORT.out.versions, REPORT.out.versions)
        .unique { yml -> yml.text }
        .collectFile(name: 'versions.yml', storeDir: "${params.outdir}/pipeline_info", sort: true)

    emit:
    report = REPORT.out.html
}

workflow {
    validateParameters()
    if (params.demo) {
        DEMO()
        samplesheet = DEMO.out.samplesheet
        staging = samplesheet.map { sheet -> cohortSamplesheet(sheet, PER_SAMPLE_COLUMNS) }
    } else {
        // nf-schema checks every row against assets/schema_input.json before anything runs,
        // then every file the samplesheet names is looked up (panel files included)
        samplesheetToList(params.input, "${projectDir}/assets/schema_input.json")
        sheet = file(params.input, checkIfExists: true)
        samplesheet = Channel.value(sheet)
        staging = Channel.value(cohortSamplesheet(sheet, PER_SAMPLE_COLUMNS))
    }
    LENALL(samplesheet, staging)
}
