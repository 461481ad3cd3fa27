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

def TUMOUR_DIAGNOSES = ['MM', 'B-ALL', 'BALLLP']

// Relative paths in the samplesheet are relative to the samplesheet's folder.
def resolveInput(sheetDir, String value) {
    value =~ /^[A-Za-z][A-Za-z0-9+.-]*:\/\// ? file(value) : sheetDir.resolve(value)
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

    main:
    rows = samplesheet.flatMap { sheet ->
        sheet.splitCsv(header: true, strip: true).collect { row -> [row, sheet.parent] }
    }
    tumours = rows.filter { row, dir -> row.diagnosis in TUMOUR_DIAGNOSES }

    VARIANTS(tumours.filter { row, dir -> row.vcf || row.maf }
        .map { row, dir -> [sampleMeta(row), resolveInput(dir, row.vcf ?: row.maf)] })
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
        .collect()
        .ifEmpty([])

    COHORT(samplesheet, results)
    cohort_tables = COHORT.out.alterations
        .mix(COHORT.out.evaluability, COHORT.out.frequencies, COHORT.out.ploidy,
             COHORT.out.subtypes)
        .collect()
    ONCOPRINT(samplesheet, cohort_tables)
    CLONALITY(samplesheet, results)
    EXPORT(samplesheet, results, cohort_tables)
    REPORT(samplesheet, results,
        cohort_tables
            .mix(COHORT.out.qc, ONCOPRINT.out.plots.flatten(), CLONALITY.out.tsv,
                 CLONALITY.out.evidence, CLONALITY.out.qc, CLONALITY.out.plots, EXPORT.out.maf)
            .collect())

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
    } else {
        // nf-schema checks every row against assets/schema_input.json before anything runs
        samplesheetToList(params.input, "${projectDir}/assets/schema_input.json")
        samplesheet = Channel.value(file(params.input, checkIfExists: true))
    }
    LENALL(samplesheet)
}
