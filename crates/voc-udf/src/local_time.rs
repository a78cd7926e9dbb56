//! `local_time(ts, timezone)`: a UTC timestamp as the wall-clock time of a
//! time zone (IANA name, e.g. Asia/Shanghai), for hourly buckets and service
//! hours in the business zone. Contract timestamps are UTC without a zone;
//! the result is a zone-less timestamp (ms) holding local time, so
//! `date_part('hour', local_time(sent_at, $timezone))` is the local hour.

use chrono::{DateTime, TimeZone};
use datafusion::arrow::array::{AsArray, TimestampMillisecondBuilder};
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMillisecondType};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::kernel::{arrays, columnar, Doc};

/// Its documentation (`voc functions` and DataFusion print it).
const DOC: Doc = Doc {
    signature: "local_time(ts TIMESTAMP, timezone VARCHAR)",
    returns: "TIMESTAMP",
    doc: "A UTC timestamp as wall-clock time in a time zone (IANA name), for local hours and dates.",
    example: "SELECT local_time(TIMESTAMP '2026-11-01 16:30:00', 'Asia/Shanghai')",
};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LocalTime {
    signature: Signature,
    doc: Documentation,
}

impl LocalTime {
    pub fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::user_defined(Volatility::Immutable),
            doc: DOC.documentation(),
        })
    }
}

impl ScalarUDFImpl for LocalTime {
    fn name(&self) -> &str {
        "local_time"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let [ts, tz] = arg_types else {
            return plan_err!("local_time(timestamp, timezone): expected 2 arguments, found {}", arg_types.len());
        };
        if !matches!(ts, DataType::Timestamp(_, _) | DataType::Null) {
            return plan_err!("local_time(timestamp, timezone): expected a timestamp, found {ts}");
        }
        if !matches!(tz, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null) {
            return plan_err!("local_time(timestamp, timezone): timezone must be a string, found {tz}");
        }
        Ok(vec![DataType::Timestamp(TimeUnit::Millisecond, None), DataType::Utf8])
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Timestamp(TimeUnit::Millisecond, None))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let tz_name = match &args.args[1] {
            ColumnarValue::Scalar(ScalarValue::Utf8(Some(s))) => s.clone(),
            ColumnarValue::Scalar(_) => return exec_err!("local_time: timezone is NULL"),
            ColumnarValue::Array(_) => {
                return exec_err!("local_time: timezone must be a constant (e.g. $timezone), found a column")
            }
        };
        let tz: chrono_tz::Tz = match tz_name.parse() {
            Ok(tz) => tz,
            Err(_) => {
                return exec_err!(
                    "local_time: unknown time zone '{tz_name}' (expected an IANA name such as Asia/Shanghai)"
                )
            }
        };
        let (arrays, scalar) = arrays(&args)?;
        let ts = arrays[0].as_primitive::<TimestampMillisecondType>();
        let mut out = TimestampMillisecondBuilder::with_capacity(ts.len());
        for v in ts.iter() {
            out.append_option(v.and_then(|ms| {
                let utc = DateTime::from_timestamp_millis(ms)?.naive_utc();
                Some(tz.from_utc_datetime(&utc).naive_local().and_utc().timestamp_millis())
            }));
        }
        columnar(std::sync::Arc::new(out.finish()), scalar)
    }
    fn documentation(&self) -> Option<&Documentation> {
        Some(&self.doc)
    }
}
